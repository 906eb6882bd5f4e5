package hearth.engine.gguf;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import hearth.engine.TestData;
import hearth.engine.tensor.GgmlType;
import java.lang.foreign.ValueLayout;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.function.BiConsumer;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * A model split as llama.cpp's gguf-split writes it (all metadata in the first file, split.no / split.count /
 * split.tensors.count in every file, tensors spread over the files) opens as one model.
 */
class GgufSplitFilesTest {
    @TempDir
    Path dir;

    /** Writes stories260K as {@code n} splits PREFIX-0000k-of-0000n.gguf; {@code tweak} may change split k's writer. */
    private List<Path> writeSplits(String prefix, int n, BiConsumer<Integer, GgufWriter> tweak) throws Exception {
        Path source = TestData.require("models/stories260K.gguf");
        List<Path> files = new ArrayList<>();
        try (GgufFile g = GgufFile.open(source)) {
            List<String> names = List.copyOf(g.tensorInfos().keySet());
            int perSplit = (names.size() + n - 1) / n;
            for (int k = 0; k < n; k++) {
                GgufWriter w = new GgufWriter();
                if (k == 0) w.putAll(g.metadata());
                w.put(GgufSplits.KEY_NO, GgufValue.ofUInt16(k));
                w.put(GgufSplits.KEY_COUNT, GgufValue.ofUInt16(n));
                w.put(GgufSplits.KEY_TENSORS_COUNT, GgufValue.ofInt32(names.size()));
                for (String t : names.subList(Math.min(k * perSplit, names.size()), Math.min((k + 1) * perSplit, names.size()))) {
                    w.addTensor(g.tensor(t));
                }
                tweak.accept(k, w);
                Path p = dir.resolve(GgufSplits.fileName(prefix, k + 1, n));
                w.write(p);
                files.add(p);
            }
        }
        return files;
    }

    @Test
    void threeSplitsOpenAsOneModelFromTheFirstFile() throws Exception {
        List<Path> files = writeSplits("x", 3, (k, w) -> {});
        assertThat(files.getFirst().getFileName().toString()).isEqualTo("x-00001-of-00003.gguf");
        try (GgufFile original = GgufFile.open(TestData.require("models/stories260K.gguf"));
             GgufFile split = GgufFile.open(files.getFirst())) {
            assertThat(split.paths()).containsExactlyElementsOf(files);
            assertThat(split.fileBytes()).isEqualTo(Files.size(files.get(0)) + Files.size(files.get(1)) + Files.size(files.get(2)));
            assertThat(split.metadata().getString("general.architecture")).isEqualTo("llama");
            assertThat(split.metadata().getInt("llama.block_count")).isEqualTo(5);
            assertThat(split.metadata().getInt(GgufSplits.KEY_COUNT)).isEqualTo(3);
            assertThat(split.tensorInfos().keySet()).containsExactlyElementsOf(original.tensorInfos().keySet());
            assertThat(split.tensorInfos().values()).extracting(TensorInfo::split).containsOnly(0, 1, 2).contains(0, 1, 2);
            for (String name : original.tensorInfos().keySet()) {
                assertThat(split.tensor(name).shape()).isEqualTo(original.tensor(name).shape());
                assertThat(split.tensor(name).data().mismatch(original.tensor(name).data())).as(name).isEqualTo(-1);
            }
            assertThat(split.describe()).startsWith("x-00001-of-00003.gguf (3 splits): GGUF v3, arch llama").contains("48 tensors (F32×48)");
        }
    }

    @Test
    void openingALaterSplitStillLoadsTheWholeModelWithMetadataFromTheFirst() throws Exception {
        List<Path> files = writeSplits("m", 3, (k, w) -> {});
        try (GgufFile split = GgufFile.open(files.get(1))) {
            assertThat(split.paths()).containsExactlyElementsOf(files);
            assertThat(split.tensorInfos()).hasSize(48);
            assertThat(split.metadata().getInt("llama.embedding_length")).isEqualTo(64);
        }
    }

    @Test
    void missingSplitIsNamedInTheError() throws Exception {
        List<Path> files = writeSplits("gone", 3, (k, w) -> {});
        Files.delete(files.get(1));
        assertThatThrownBy(() -> GgufFile.open(files.getFirst()))
                .isInstanceOf(GgufFormatException.class)
                .hasMessageContainingAll("split 2 of 3 is missing", "gone-00002-of-00003.gguf");
    }

    @Test
    void splitCountThatDisagreesWithTheFileNamesIsAnError() throws Exception {
        List<Path> files = writeSplits("cnt", 3, (k, w) -> w.put(GgufSplits.KEY_COUNT, GgufValue.ofUInt16(k == 2 ? 4 : 3)));
        assertThatThrownBy(() -> GgufFile.open(files.getFirst()))
                .isInstanceOf(GgufFormatException.class)
                .hasMessageContainingAll("cnt-00003-of-00003.gguf", "split.count is 4", "3 split files");
    }

    @Test
    void splitFilesInTheWrongOrderAreAnError() throws Exception {
        List<Path> files = writeSplits("swap", 3, (k, w) -> {});
        Path tmp = dir.resolve("tmp");
        Files.move(files.get(1), tmp);
        Files.move(files.get(2), files.get(1));
        Files.move(tmp, files.get(2));
        assertThatThrownBy(() -> GgufFile.open(files.getFirst()))
                .isInstanceOf(GgufFormatException.class)
                .hasMessageContainingAll("swap-00002-of-00003.gguf", "split.no is 2", "split 2 of 3");
    }

    @Test
    void wrongTotalTensorCountIsAnError() throws Exception {
        List<Path> files = writeSplits("tc", 3, (k, w) -> w.put(GgufSplits.KEY_TENSORS_COUNT, GgufValue.ofInt32(50)));
        assertThatThrownBy(() -> GgufFile.open(files.getFirst()))
                .isInstanceOf(GgufFormatException.class)
                .hasMessageContainingAll("split.tensors.count is 50", "48 tensors");
    }

    @Test
    void firstSplitRenamedWithoutTheSplitSuffixIsAnError() throws Exception {
        List<Path> files = writeSplits("ren", 2, (k, w) -> {});
        Path renamed = Files.move(files.getFirst(), dir.resolve("model.gguf"));
        assertThatThrownBy(() -> GgufFile.open(renamed))
                .isInstanceOf(GgufFormatException.class)
                .hasMessageContainingAll("model.gguf", "split.count is 2", "-0000k-of-0000n.gguf");
    }

    @Test
    void tensorPresentInTwoSplitsIsAnError() throws Exception {
        List<Path> files = writeSplits("dup", 2, (k, w) -> {
            if (k == 1) w.addTensor("token_embd.weight", GgmlType.F32, new long[] {1}, new byte[4]);
        });
        assertThatThrownBy(() -> GgufFile.open(files.getFirst()))
                .isInstanceOf(GgufFormatException.class)
                .hasMessageContainingAll("dup-00002-of-00002.gguf", "duplicate tensor 'token_embd.weight'", "dup-00001-of-00002.gguf");
    }

    @Test
    void singleFileWithSplitSuffixOfOneOpens() throws Exception {
        List<Path> files = writeSplits("one", 1, (k, w) -> {});
        try (GgufFile g = GgufFile.open(files.getFirst())) {
            assertThat(g.paths()).hasSize(1);
            assertThat(g.tensor("output_norm.weight").data().getAtIndex(ValueLayout.JAVA_FLOAT_UNALIGNED.withOrder(java.nio.ByteOrder.LITTLE_ENDIAN), 0)).isEqualTo(2.4583089351654053f);
        }
    }
}
