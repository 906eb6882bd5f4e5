package hearth.engine.gguf;

import static org.assertj.core.api.Assertions.assertThat;

import hearth.engine.TestData;
import hearth.engine.tensor.GgmlType;
import hearth.engine.tensor.Tensor;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Comparator;
import java.util.List;
import java.util.Map;
import java.util.stream.Collectors;
import java.util.stream.Stream;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

/** Every model in testdata/models reads with the metadata, tensor types and data sizes its README table states. */
class GgufTestModelsTest {

    /**
     * One row of the README's model tables. {@code fileType} -1 means no general.file_type key. {@code extra} lists
     * per-block tensor types where the quantization mix differs between blocks.
     */
    record Model(String file, int fileType, String typeCounts, int nEmbd, int nFf, int layers, int heads, int headsKv,
                 int headDim, int vocab, String tokenEmbd, String output, String attnOutput, Map<String, String> extra) {
        @Override
        public String toString() {
            return file;
        }
    }

    static Stream<Model> models() {
        return Stream.of(
                new Model("stories260K.gguf", -1, "F32×48", 64, 172, 5, 8, 4, 8, 512, "F32", "F32", "F32", Map.of()),
                new Model("stories260K-F16.gguf", 1, "F16×37, F32×11", 64, 172, 5, 8, 4, 8, 512, "F16", "F16", "F16", Map.of()),
                new Model("stories260K-pad256-F32.gguf", 0, "F32×48", 256, 256, 5, 8, 4, 8, 512, "F32", "F32", "F32", Map.of()),
                new Model("stories260K-pad256-Q8_0.gguf", 7, "F32×11, Q8_0×37", 256, 256, 5, 8, 4, 8, 512, "Q8_0", "Q8_0", "Q8_0", Map.of()),
                new Model("stories260K-pad256-Q4_0.gguf", 2, "F32×11, Q4_0×36, Q6_K×1", 256, 256, 5, 8, 4, 8, 512, "Q4_0", "Q6_K", "Q4_0",
                        Map.of("blk.3.ffn_down.weight", "Q4_0")),
                new Model("stories260K-pad256-Q4_K_M.gguf", 15, "F32×11, Q4_K×27, Q5_0×5, Q6_K×5", 256, 256, 5, 8, 4, 8, 512, "Q4_K", "Q6_K", "Q5_0",
                        Map.of("blk.0.attn_v.weight", "Q4_K", "blk.2.attn_v.weight", "Q6_K", "blk.4.attn_v.weight", "Q6_K",
                                "blk.3.ffn_down.weight", "Q4_K", "blk.4.ffn_down.weight", "Q6_K")),
                new Model("stories260K-pad256-Q5_K_M.gguf", 17, "F32×11, Q5_1×5, Q5_K×27, Q6_K×5", 256, 256, 5, 8, 4, 8, 512, "Q5_K", "Q6_K", "Q5_1",
                        Map.of("blk.1.attn_v.weight", "Q5_K", "blk.2.attn_v.weight", "Q6_K", "blk.2.ffn_down.weight", "Q6_K")),
                new Model("stories260K-pad256-Q6_K.gguf", 18, "F32×11, Q6_K×32, Q8_0×5", 256, 256, 5, 8, 4, 8, 512, "Q6_K", "Q6_K", "Q8_0",
                        Map.of("blk.2.attn_v.weight", "Q6_K")),
                new Model("stories260K-pad256-Q3_K_M.gguf", 12, "F32×11, Q3_K×21, Q4_K×8, Q5_0×5, Q5_K×2, Q6_K×1", 256, 256, 5, 8, 4, 8, 512,
                        "Q3_K", "Q6_K", "Q5_0",
                        Map.of("blk.0.attn_v.weight", "Q5_K", "blk.1.attn_v.weight", "Q5_K", "blk.2.attn_v.weight", "Q4_K",
                                "blk.4.attn_v.weight", "Q4_K", "blk.0.ffn_down.weight", "Q4_K", "blk.0.ffn_up.weight", "Q3_K")),
                new Model("stories260K-pad256-Q2_K.gguf", 10, "F32×11, IQ4_NL×5, Q2_K×21, Q3_K×10, Q6_K×1", 256, 256, 5, 8, 4, 8, 512,
                        "Q2_K", "Q6_K", "IQ4_NL",
                        Map.of("blk.0.attn_v.weight", "Q3_K", "blk.0.ffn_down.weight", "Q3_K", "blk.0.attn_q.weight", "Q2_K")),
                new Model("llama-2-tiny-random.gguf", 1, "F16×9, F32×3", 8, 32, 1, 2, 2, 4, 32000, "F16", "F16", "F16", Map.of()));
    }

    /** Block sizes and bytes per block from the README, independent of GgmlType. */
    private static final Map<String, long[]> BLOCKS = Map.ofEntries(
            Map.entry("F32", new long[] {1, 4}), Map.entry("F16", new long[] {1, 2}),
            Map.entry("Q4_0", new long[] {32, 18}), Map.entry("Q5_0", new long[] {32, 22}), Map.entry("Q5_1", new long[] {32, 24}),
            Map.entry("Q8_0", new long[] {32, 34}), Map.entry("IQ4_NL", new long[] {32, 18}),
            Map.entry("Q2_K", new long[] {256, 84}), Map.entry("Q3_K", new long[] {256, 110}), Map.entry("Q4_K", new long[] {256, 144}),
            Map.entry("Q5_K", new long[] {256, 176}), Map.entry("Q6_K", new long[] {256, 210}));

    @ParameterizedTest(name = "{0}")
    @MethodSource("models")
    void metadataMatchesTheReadme(Model m) throws Exception {
        try (GgufFile g = GgufFile.open(TestData.require("models/" + m.file()))) {
            GgufMetadata md = g.metadata();
            assertThat(g.version()).isEqualTo(3);
            assertThat(md.getString("general.architecture")).isEqualTo("llama");
            assertThat(md.getInt("llama.embedding_length")).isEqualTo(m.nEmbd());
            assertThat(md.getInt("llama.feed_forward_length")).isEqualTo(m.nFf());
            assertThat(md.getInt("llama.block_count")).isEqualTo(m.layers());
            assertThat(md.getInt("llama.attention.head_count")).isEqualTo(m.heads());
            assertThat(md.getInt("llama.attention.head_count_kv")).isEqualTo(m.headsKv());
            assertThat(md.getStrings("tokenizer.ggml.tokens")).hasSize(m.vocab());
            assertThat(md.getFloats("tokenizer.ggml.scores")).hasSize(m.vocab());
            assertThat(md.getInts("tokenizer.ggml.token_type")).hasSize(m.vocab());
            assertThat(md.getString("tokenizer.ggml.model")).isEqualTo("llama");
            if (m.fileType() < 0) {
                assertThat(md.has("general.file_type")).isFalse();
            } else {
                assertThat(md.getInt("general.file_type")).isEqualTo(m.fileType());
            }
        }
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("models")
    void tensorTypesAndShapesMatchTheReadme(Model m) throws Exception {
        try (GgufFile g = GgufFile.open(TestData.require("models/" + m.file()))) {
            Map<String, TensorInfo> t = g.tensorInfos();
            assertThat(t).hasSize(3 + 9 * m.layers());
            String counts = t.values().stream()
                    .collect(Collectors.groupingBy(i -> i.type().name(), java.util.TreeMap::new, Collectors.counting()))
                    .entrySet().stream().map(e -> e.getKey() + "×" + e.getValue()).collect(Collectors.joining(", "));
            assertThat(counts).isEqualTo(m.typeCounts());

            assertThat(t.get("token_embd.weight").type().name()).isEqualTo(m.tokenEmbd());
            assertThat(t.get("output.weight").type().name()).isEqualTo(m.output());
            assertThat(t.get("output_norm.weight").type()).isEqualTo(GgmlType.F32);
            for (int b = 0; b < m.layers(); b++) {
                assertThat(t.get("blk." + b + ".attn_output.weight").type().name()).isEqualTo(m.attnOutput());
                assertThat(t.get("blk." + b + ".attn_norm.weight").type()).isEqualTo(GgmlType.F32);
                assertThat(t.get("blk." + b + ".ffn_norm.weight").type()).isEqualTo(GgmlType.F32);
            }
            m.extra().forEach((name, type) -> assertThat(t.get(name).type().name()).as(name).isEqualTo(type));

            int q = m.heads() * m.headDim();
            int kv = m.headsKv() * m.headDim();
            assertThat(t.get("token_embd.weight").shape()).containsExactly(m.nEmbd(), m.vocab());
            assertThat(t.get("output.weight").shape()).containsExactly(m.nEmbd(), m.vocab());
            assertThat(t.get("output_norm.weight").shape()).containsExactly(m.nEmbd());
            assertThat(t.get("blk.0.attn_q.weight").shape()).containsExactly(m.nEmbd(), q);
            assertThat(t.get("blk.0.attn_k.weight").shape()).containsExactly(m.nEmbd(), kv);
            assertThat(t.get("blk.0.attn_v.weight").shape()).containsExactly(m.nEmbd(), kv);
            assertThat(t.get("blk.0.attn_output.weight").shape()).containsExactly(q, m.nEmbd());
            assertThat(t.get("blk.0.ffn_gate.weight").shape()).containsExactly(m.nEmbd(), m.nFf());
            assertThat(t.get("blk.0.ffn_up.weight").shape()).containsExactly(m.nEmbd(), m.nFf());
            assertThat(t.get("blk.0.ffn_down.weight").shape()).containsExactly(m.nFf(), m.nEmbd());
        }
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("models")
    void tensorDataSlicesHaveTheRightSizeAndTileTheDataSection(Model m) throws Exception {
        Path file = TestData.require("models/" + m.file());
        try (GgufFile g = GgufFile.open(file)) {
            List<TensorInfo> byOffset = g.tensorInfos().values().stream().sorted(Comparator.comparingLong(TensorInfo::offset)).toList();
            long expectedOffset = 0;
            for (TensorInfo info : byOffset) {
                long[] block = BLOCKS.get(info.type().name());
                long bytes = info.elements() / block[0] * block[1];
                Tensor tensor = g.tensor(info.name());
                assertThat(tensor.data().byteSize()).as(info.name()).isEqualTo(bytes);
                assertThat(tensor.type()).isEqualTo(info.type());
                // llama.cpp writes tensors back to back, each padded to the 32-byte alignment.
                assertThat(info.offset()).as(info.name()).isEqualTo(expectedOffset);
                expectedOffset += (bytes + 31) / 32 * 32;
            }
            // ... so the data section ends exactly at the end of the file.
            long dataStart = Files.size(file) - expectedOffset;
            assertThat(dataStart % 32).isZero();
            assertThat(dataStart).isGreaterThan(0);
            assertThat(g.fileBytes()).isEqualTo(Files.size(file));
        }
    }
}
