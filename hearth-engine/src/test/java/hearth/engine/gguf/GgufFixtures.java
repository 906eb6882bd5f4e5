package hearth.engine.gguf;

import hearth.engine.tensor.GgmlType;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;

/**
 * A small GGUF file with known layout for tests that damage bytes: fields are located by searching for the
 * (unique) key and tensor names, then patched at the position the GGUF layout gives relative to the name.
 */
final class GgufFixtures {
    private GgufFixtures() {}

    /** Tensors: t.one F32 [8, 4], t.two Q8_0 [32, 2], t.six F16 [16]; keys test.aaaa and test.bbbb are uint32. */
    static GgufWriter tinyModel() {
        GgufWriter w = new GgufWriter()
                .put("general.architecture", GgufValue.of("tiny"))
                .put("test.aaaa", GgufValue.ofUInt32(7))
                .put("test.bbbb", GgufValue.ofUInt32(8))
                .put("test.flag", GgufValue.ofBool(true))
                .put("test.list", GgufValue.ofInt32s(1, 2, 3))
                .put("test.words", GgufValue.ofStrings("a", "bc", "déf"))
                .put("test.nested", GgufValue.ofArrays(
                        new GgufValue.Array(GgufValueType.INT32, new int[] {1, 2}),
                        new GgufValue.Array(GgufValueType.INT32, new int[] {3})));
        float[] one = new float[32];
        for (int i = 0; i < one.length; i++) one[i] = i * 0.5f;
        w.addF32("t.one", new long[] {8, 4}, one);
        byte[] two = new byte[2 * 34];
        for (int i = 0; i < two.length; i++) two[i] = (byte) (i * 7);
        w.addTensor("t.two", GgmlType.Q8_0, new long[] {32, 2}, two);
        byte[] six = new byte[32];
        for (int i = 0; i < six.length; i++) six[i] = (byte) (100 + i);
        w.addTensor("t.six", GgmlType.F16, new long[] {16}, six);
        return w;
    }

    static byte[] bytes(GgufWriter w) throws IOException {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        w.write(out);
        return out.toByteArray();
    }

    static byte[] tinyModelBytes() throws IOException {
        return bytes(tinyModel());
    }

    /** Position of the first byte of the only occurrence of {@code text} (UTF-8) in {@code file}. */
    static int find(byte[] file, String text) {
        byte[] needle = text.getBytes(StandardCharsets.UTF_8);
        int found = -1;
        outer:
        for (int i = 0; i + needle.length <= file.length; i++) {
            for (int j = 0; j < needle.length; j++) if (file[i + j] != needle[j]) continue outer;
            if (found >= 0) throw new IllegalStateException("'" + text + "' occurs twice");
            found = i;
        }
        if (found < 0) throw new IllegalStateException("'" + text + "' not found");
        return found;
    }

    /** Position of the value type (uint32) of metadata key {@code key}. */
    static int keyTypeAt(byte[] file, String key) {
        return find(file, key) + key.getBytes(StandardCharsets.UTF_8).length;
    }

    /** Position of n_dims of tensor {@code name}; dims follow at +4, then type, then offset. */
    static int tensorDimsAt(byte[] file, String name) {
        return find(file, name) + name.length();
    }

    static int tensorTypeAt(byte[] file, String name, int nDims) {
        return tensorDimsAt(file, name) + 4 + 8 * nDims;
    }

    static int tensorOffsetAt(byte[] file, String name, int nDims) {
        return tensorTypeAt(file, name, nDims) + 4;
    }

    /** First byte after the last tensor info: where the header ends (before alignment padding). */
    static int headerEnd(byte[] file) {
        return tensorOffsetAt(file, "t.six", 1) + 8;
    }

    static void putU32(byte[] file, int at, int v) {
        ByteBuffer.wrap(file).order(ByteOrder.LITTLE_ENDIAN).putInt(at, v);
    }

    static void putU64(byte[] file, int at, long v) {
        ByteBuffer.wrap(file).order(ByteOrder.LITTLE_ENDIAN).putLong(at, v);
    }

    static long getU64(byte[] file, int at) {
        return ByteBuffer.wrap(file).order(ByteOrder.LITTLE_ENDIAN).getLong(at);
    }
}
