package hearth.engine.gguf;

import hearth.engine.tensor.GgmlType;
import hearth.engine.tensor.Tensor;
import java.io.BufferedOutputStream;
import java.io.IOException;
import java.io.OutputStream;
import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * Writes little-endian GGUF v3 files as llama.cpp lays them out: metadata in insertion order, tensor infos in
 * insertion order, the header padded to {@code general.alignment} (default 32), then every tensor's data padded to
 * the alignment. Tensor data is streamed from its segment, so a mapped tensor is never copied whole to the heap.
 */
public final class GgufWriter {
    private record PendingTensor(String name, GgmlType type, long[] shape, MemorySegment data) {}

    private final Map<String, GgufValue> metadata = new LinkedHashMap<>();
    private final List<PendingTensor> tensors = new ArrayList<>();

    public GgufWriter put(String key, GgufValue value) {
        metadata.put(key, value);
        return this;
    }

    /** Copies every key of {@code md}, in its order (a key already present keeps its position, takes the new value). */
    public GgufWriter putAll(GgufMetadata md) {
        md.asMap().forEach(this::put);
        return this;
    }

    public GgufWriter remove(String key) {
        metadata.remove(key);
        return this;
    }

    /** Adds a tensor read from another file (its data is streamed from the mapping when written). */
    public GgufWriter addTensor(Tensor t) {
        return addTensor(t.name(), t.type(), t.shape(), t.data());
    }

    public GgufWriter addTensor(String name, GgmlType type, long[] shape, byte[] data) {
        return addTensor(name, type, shape, MemorySegment.ofArray(data));
    }

    /** Adds a tensor; {@code shape} is in ggml order (row length first), {@code data} is copied when written. */
    public GgufWriter addTensor(String name, GgmlType type, long[] shape, MemorySegment data) {
        if (shape.length < 1 || shape.length > 4) throw new IllegalArgumentException("tensor " + name + ": " + shape.length + " dimensions (1..4 allowed)");
        long elements = 1;
        for (long d : shape) {
            if (d <= 0) throw new IllegalArgumentException("tensor " + name + ": invalid dimension " + d);
            elements = Math.multiplyExact(elements, d);
        }
        if (shape[0] % type.blockSize != 0) {
            throw new IllegalArgumentException("tensor " + name + ": row length " + shape[0] + " is not a multiple of the " + type + " block size " + type.blockSize);
        }
        if (type.bytesFor(elements) != data.byteSize()) {
            throw new IllegalArgumentException("tensor " + name + ": " + data.byteSize() + " bytes given, " + type.bytesFor(elements) + " needed");
        }
        for (PendingTensor t : tensors) {
            if (t.name().equals(name)) throw new IllegalArgumentException("duplicate tensor " + name);
        }
        tensors.add(new PendingTensor(name, type, shape.clone(), data));
        return this;
    }

    /** F32 tensor from floats (convenience for tests); stored little-endian whatever the platform's byte order. */
    public GgufWriter addF32(String name, long[] shape, float[] values) {
        ByteBuffer b = ByteBuffer.allocate(4 * values.length).order(ByteOrder.LITTLE_ENDIAN);
        b.asFloatBuffer().put(values);
        return addTensor(name, GgmlType.F32, shape, b.array());
    }

    private int alignment() {
        GgufValue a = metadata.get("general.alignment");
        if (a == null) return GgufReader.DEFAULT_ALIGNMENT;
        long v = a.value() instanceof Number n ? n.longValue() : -1;
        if (v <= 0 || v > (1 << 30) || Long.bitCount(v) != 1) throw new IllegalArgumentException("general.alignment " + a.value() + " is not a power of two");
        return (int) v;
    }

    public void write(Path path) throws IOException {
        try (OutputStream out = new BufferedOutputStream(Files.newOutputStream(path), 1 << 16)) {
            write(out);
        }
    }

    public void write(OutputStream out) throws IOException {
        int align = alignment();
        Sink s = new Sink(out);
        s.i32(GgufReader.MAGIC);
        s.i32(3);
        s.i64(tensors.size());
        s.i64(metadata.size());
        for (Map.Entry<String, GgufValue> e : metadata.entrySet()) {
            s.string(e.getKey());
            s.i32(e.getValue().type().ordinal());
            value(s, e.getValue().type(), e.getValue().value());
        }
        long offset = 0;
        List<Long> offsets = new ArrayList<>();
        for (PendingTensor t : tensors) {
            s.string(t.name());
            s.i32(t.shape().length);
            for (long d : t.shape()) s.i64(d);
            s.i32(t.type().id);
            s.i64(offset);
            offsets.add(offset);
            offset = pad(offset + t.data().byteSize(), align);
        }
        s.zeros(pad(s.written, align) - s.written);
        long dataStart = s.written;
        for (int i = 0; i < tensors.size(); i++) {
            PendingTensor t = tensors.get(i);
            s.zeros(dataStart + offsets.get(i) - s.written);
            s.segment(t.data());
        }
        // Pad the end too (as llama.cpp and gguf.py do), so that the file size is a multiple of the alignment.
        s.zeros(pad(s.written - dataStart, align) + dataStart - s.written);
        out.flush();
    }

    private static long pad(long n, int align) {
        return (n + align - 1) / align * align;
    }

    private static void value(Sink s, GgufValueType type, Object v) throws IOException {
        switch (type) {
            case UINT8, INT8 -> s.bytes(new byte[] {((Number) v).byteValue()});
            case UINT16, INT16 -> s.i16(((Number) v).shortValue());
            case UINT32, INT32 -> s.i32(((Number) v).intValue());
            case UINT64, INT64 -> s.i64(((Number) v).longValue());
            case FLOAT32 -> s.i32(Float.floatToRawIntBits(((Number) v).floatValue()));
            case FLOAT64 -> s.i64(Double.doubleToRawLongBits(((Number) v).doubleValue()));
            case BOOL -> s.bytes(new byte[] {(byte) (((Boolean) v) ? 1 : 0)});
            case STRING -> s.string((String) v);
            case ARRAY -> array(s, (GgufValue.Array) v);
        }
    }

    private static void array(Sink s, GgufValue.Array a) throws IOException {
        s.i32(a.elementType().ordinal());
        s.i64(a.length());
        GgufValueType et = a.elementType();
        switch (a.values()) {
            case int[] x -> { for (int e : x) value(s, et, e); }
            case long[] x -> { for (long e : x) value(s, et, e); }
            case float[] x -> { for (float e : x) value(s, et, e); }
            case double[] x -> { for (double e : x) value(s, et, e); }
            case boolean[] x -> { for (boolean e : x) value(s, et, e); }
            case String[] x -> { for (String e : x) s.string(e); }
            case List<?> l -> { for (Object e : l) array(s, (GgufValue.Array) e); }
            default -> throw new IllegalArgumentException("unsupported array payload " + a.values().getClass());
        }
    }

    private static final class Sink {
        private final OutputStream out;
        private final ByteBuffer buf = ByteBuffer.allocate(8).order(ByteOrder.LITTLE_ENDIAN);
        long written;

        Sink(OutputStream out) {
            this.out = out;
        }

        void i16(short v) throws IOException {
            buf.clear();
            buf.putShort(v);
            bytes(buf.array(), 2);
        }

        void i32(int v) throws IOException {
            buf.clear();
            buf.putInt(v);
            bytes(buf.array(), 4);
        }

        void i64(long v) throws IOException {
            buf.clear();
            buf.putLong(v);
            bytes(buf.array(), 8);
        }

        void string(String v) throws IOException {
            byte[] b = v.getBytes(StandardCharsets.UTF_8);
            i64(b.length);
            bytes(b);
        }

        void bytes(byte[] b) throws IOException {
            bytes(b, b.length);
        }

        void bytes(byte[] b, int n) throws IOException {
            out.write(b, 0, n);
            written += n;
        }

        void zeros(long n) throws IOException {
            for (long i = 0; i < n; i++) out.write(0);
            written += n;
        }

        /** Copies through a small buffer, so that a mapped tensor of any size is never copied whole to the heap. */
        void segment(MemorySegment data) throws IOException {
            byte[] chunk = new byte[(int) Math.min(data.byteSize(), 1 << 16)];
            for (long off = 0; off < data.byteSize(); off += chunk.length) {
                int n = (int) Math.min(chunk.length, data.byteSize() - off);
                MemorySegment.copy(data, ValueLayout.JAVA_BYTE, off, chunk, 0, n);
                bytes(chunk, n);
            }
        }
    }
}
