package hearth.engine.gguf;

import static hearth.engine.gguf.GgufFixtures.find;
import static hearth.engine.gguf.GgufFixtures.headerEnd;
import static hearth.engine.gguf.GgufFixtures.keyTypeAt;
import static hearth.engine.gguf.GgufFixtures.putU32;
import static hearth.engine.gguf.GgufFixtures.putU64;
import static hearth.engine.gguf.GgufFixtures.tensorDimsAt;
import static hearth.engine.gguf.GgufFixtures.tensorOffsetAt;
import static hearth.engine.gguf.GgufFixtures.tensorTypeAt;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.function.UnaryOperator;
import java.util.stream.Stream;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

/** Each kind of damage to a GGUF file gives a GgufFormatException whose message names the problem. */
class GgufCorruptFilesTest {
    @TempDir
    Path dir;

    private static byte[] good;

    @BeforeAll
    static void writeGoodFile() throws Exception {
        good = GgufFixtures.tinyModelBytes();
    }

    record Damage(String what, UnaryOperator<byte[]> change, String[] words) {
        @Override
        public String toString() {
            return what;
        }
    }

    private static Arguments damage(String what, UnaryOperator<byte[]> change, String... words) {
        return Arguments.of(new Damage(what, change, words));
    }

    /** Returns a copy of the file with {@code edit} applied. */
    private static UnaryOperator<byte[]> edit(java.util.function.Consumer<byte[]> edit) {
        return f -> {
            byte[] copy = f.clone();
            edit.accept(copy);
            return copy;
        };
    }

    private static UnaryOperator<byte[]> truncateTo(int length) {
        return f -> Arrays.copyOf(f, length);
    }

    static Stream<Arguments> damages() {
        return Stream.of(
                damage("bad magic", edit(f -> f[3] = 'X'), "bad magic", "not a GGUF file"),
                damage("ASCII text", f -> "hello, this is not a model\n".getBytes(StandardCharsets.US_ASCII), "bad magic"),
                damage("version 1", edit(f -> putU32(f, 4, 1)), "version 1", "not supported"),
                damage("version 99", edit(f -> putU32(f, 4, 99)), "unsupported GGUF version 99"),
                damage("big-endian version field", edit(f -> putU32(f, 4, Integer.reverseBytes(3))), "big-endian"),
                damage("truncated inside the magic", truncateTo(3), "too short"),
                damage("truncated inside the version", truncateTo(6), "truncated header", "version"),
                damage("truncated inside the tensor count", truncateTo(12), "truncated header", "tensor count"),
                damage("truncated inside the metadata count", truncateTo(20), "truncated header", "metadata count"),
                damage("truncated inside the first key", f -> Arrays.copyOf(f, find(f, "general.architecture") + 5), "truncated header", "metadata key #0"),
                damage("truncated inside a string array", f -> Arrays.copyOf(f, find(f, "déf")), "truncated header", "test.words"),
                damage("truncated inside a tensor info", f -> Arrays.copyOf(f, tensorDimsAt(f, "t.two") + 6), "truncated header", "t.two"),
                damage("truncated before the data section", f -> Arrays.copyOf(f, headerEnd(f)), "truncated", "t.one"),
                damage("truncated tensor data", f -> Arrays.copyOf(f, f.length - 40), "truncated tensor data", "t.six"),
                damage("unknown tensor type id", edit(f -> putU32(f, tensorTypeAt(f, "t.two", 2), 99)), "t.two", "unknown ggml type 99"),
                damage("removed tensor type Q4_2", edit(f -> putU32(f, tensorTypeAt(f, "t.two", 2), 4)), "t.two", "unknown ggml type 4"),
                damage("unknown metadata value type", edit(f -> putU32(f, keyTypeAt(f, "test.bbbb"), 13)), "test.bbbb", "unknown value type 13"),
                damage("unknown array element type", edit(f -> putU32(f, keyTypeAt(f, "test.list") + 4, 77)), "test.list", "array of unknown type 77"),
                damage("absurd key length", edit(f -> putU64(f, find(f, "test.aaaa") - 8, 1L << 62)), "invalid string length 4611686018427387904"),
                damage("negative string length", edit(f -> putU64(f, find(f, "tiny") - 8, -1)), "general.architecture", "invalid string length"),
                damage("absurd array length", edit(f -> putU64(f, keyTypeAt(f, "test.list") + 8, 1L << 40)), "test.list", "array length 1099511627776"),
                damage("absurd tensor count", edit(f -> putU64(f, 8, 1L << 50)), "implausible tensor count"),
                damage("absurd metadata count", edit(f -> putU64(f, 16, -5)), "implausible metadata count"),
                damage("zero dimensions", edit(f -> putU32(f, tensorDimsAt(f, "t.one"), 0)), "t.one", "0 dimensions"),
                damage("nine dimensions", edit(f -> putU32(f, tensorDimsAt(f, "t.one"), 9)), "t.one", "9 dimensions"),
                damage("zero-sized dimension", edit(f -> putU64(f, tensorDimsAt(f, "t.one") + 4, 0)), "t.one", "invalid dimension"),
                damage("overflowing element count", edit(f -> {
                    putU64(f, tensorDimsAt(f, "t.one") + 4, 1L << 40);
                    putU64(f, tensorDimsAt(f, "t.one") + 12, 1L << 40);
                }), "t.one", "too many elements"),
                damage("misaligned tensor offset", edit(f -> putU64(f, tensorOffsetAt(f, "t.two", 2), 132)), "t.two", "misaligned data offset 132"),
                damage("tensor offset beyond the file", edit(f -> putU64(f, tensorOffsetAt(f, "t.six", 1), 1L << 40)), "truncated tensor data", "t.six"),
                damage("row length not a multiple of the block size", edit(f -> putU64(f, tensorDimsAt(f, "t.two") + 4, 48)),
                        "t.two", "row length 48 is not a multiple of the Q8_0 block size 32"),
                damage("duplicate metadata key", edit(f -> System.arraycopy("aaaa".getBytes(StandardCharsets.US_ASCII), 0, f, find(f, "test.bbbb") + 5, 4)),
                        "duplicate metadata key 'test.aaaa'"),
                damage("duplicate tensor name", edit(f -> System.arraycopy("one".getBytes(StandardCharsets.US_ASCII), 0, f, find(f, "t.six") + 2, 3)),
                        "duplicate tensor 't.one'"),
                damage("invalid bool byte", edit(f -> f[keyTypeAt(f, "test.flag") + 4] = 5), "test.flag", "invalid bool byte 5"),
                damage("alignment not a power of two", f -> {
                    byte[] withAlignment = bytesWithAlignment();
                    putU32(withAlignment, keyTypeAt(withAlignment, "general.alignment") + 4, 48);
                    return withAlignment;
                }, "general.alignment 48 is not a power of two"),
                damage("arrays nested too deeply", f -> deeplyNested(12), "nested too deeply"));
    }

    private static byte[] bytesWithAlignment() {
        try {
            return GgufFixtures.bytes(GgufFixtures.tinyModel().put("general.alignment", GgufValue.ofUInt32(64)));
        } catch (java.io.IOException e) {
            throw new java.io.UncheckedIOException(e);
        }
    }

    private static byte[] deeplyNested(int depth) {
        GgufValue.Array a = new GgufValue.Array(GgufValueType.INT32, new int[] {1});
        for (int i = 0; i < depth; i++) a = new GgufValue.Array(GgufValueType.ARRAY, java.util.List.of(a));
        try {
            return GgufFixtures.bytes(new GgufWriter().put("test.deep", GgufValue.ofArray(a)));
        } catch (java.io.IOException e) {
            throw new java.io.UncheckedIOException(e);
        }
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("damages")
    void damagedFileIsRejectedWithAMessageNamingTheProblem(Damage damage) throws Exception {
        Path file = dir.resolve("damaged.gguf");
        Files.write(file, damage.change().apply(good));

        assertThatThrownBy(() -> GgufFile.open(file).close())
                .isInstanceOf(GgufFormatException.class)
                .hasMessageContaining(file.toString())
                .hasMessageContainingAll(damage.words());
    }

    @Test
    void undamagedFixtureOpens() throws Exception {
        Path file = dir.resolve("good.gguf");
        Files.write(file, good);
        try (GgufFile g = GgufFile.open(file)) {
            assertThat(g.tensorInfos()).containsOnlyKeys("t.one", "t.two", "t.six");
        }
    }

    @Test
    void versionTwoFileReadsLikeVersionThree() throws Exception {
        Path file = dir.resolve("v2.gguf");
        byte[] v2 = good.clone();
        putU32(v2, 4, 2);
        Files.write(file, v2);
        try (GgufFile g = GgufFile.open(file)) {
            assertThat(g.version()).isEqualTo(2);
            assertThat(g.metadata().getLong("test.bbbb")).isEqualTo(8);
            assertThat(g.tensor("t.six").data().byteSize()).isEqualTo(32);
        }
    }

    @Test
    void emptyFileIsRejectedAsEmpty() throws Exception {
        Path file = Files.createFile(dir.resolve("empty.gguf"));
        assertThatThrownBy(() -> GgufFile.open(file)).isInstanceOf(GgufFormatException.class).hasMessageContainingAll(file.toString(), "empty");
    }

    @Test
    void directoryIsRejectedAsADirectory() throws Exception {
        Path sub = Files.createDirectory(dir.resolve("model.gguf"));
        assertThatThrownBy(() -> GgufFile.open(sub)).isInstanceOf(GgufFormatException.class).hasMessageContainingAll(sub.toString(), "is a directory");
    }

    @Test
    void missingFileIsNoSuchFile() {
        Path missing = dir.resolve("nothing-here.gguf");
        assertThatThrownBy(() -> GgufFile.open(missing)).isInstanceOf(NoSuchFileException.class).hasMessageContaining(missing.toString());
    }
}
