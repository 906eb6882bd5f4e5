package hearth.engine.gguf;

import hearth.engine.tensor.GgmlType;
import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.charset.CharacterCodingException;
import java.nio.charset.CharsetDecoder;
import java.nio.charset.CodingErrorAction;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * Parses the header of a GGUF v2/v3 file (magic, version, metadata, tensor infos) from a memory segment.
 * Every read is bounds-checked so that a truncated or corrupt header is a {@link GgufFormatException} naming the
 * problem and the byte offset, never an out-of-bounds crash. Spec: ggml/docs/gguf.md.
 */
public final class GgufReader {
    public static final int MAGIC = 0x46554747; // "GGUF" read as a little-endian int
    public static final int DEFAULT_ALIGNMENT = 32;
    private static final int MAX_DIMS = 4;
    private static final long MAX_STRING = 1L << 30;
    // Bounds every tensor's byte size below 2^59 (at most 8 bytes per element), so size arithmetic cannot overflow.
    private static final long MAX_ELEMENTS = 1L << 56;

    private static final ValueLayout.OfShort U16 = ValueLayout.JAVA_SHORT_UNALIGNED.withOrder(ByteOrder.LITTLE_ENDIAN);
    private static final ValueLayout.OfInt U32 = ValueLayout.JAVA_INT_UNALIGNED.withOrder(ByteOrder.LITTLE_ENDIAN);
    private static final ValueLayout.OfLong U64 = ValueLayout.JAVA_LONG_UNALIGNED.withOrder(ByteOrder.LITTLE_ENDIAN);
    private static final ValueLayout.OfFloat F32 = ValueLayout.JAVA_FLOAT_UNALIGNED.withOrder(ByteOrder.LITTLE_ENDIAN);
    private static final ValueLayout.OfDouble F64 = ValueLayout.JAVA_DOUBLE_UNALIGNED.withOrder(ByteOrder.LITTLE_ENDIAN);

    /** The parsed header; {@code dataOffset} is where the (aligned) tensor data section starts. */
    public record Header(int version, GgufMetadata metadata, List<TensorInfo> tensors, int alignment, long dataOffset) {}

    private final String source;
    private final MemorySegment seg;
    private final CharsetDecoder utf8 = StandardCharsets.UTF_8.newDecoder()
            .onMalformedInput(CodingErrorAction.REPORT)
            .onUnmappableCharacter(CodingErrorAction.REPORT);
    private long pos;

    private GgufReader(String source, MemorySegment seg) {
        this.source = source;
        this.seg = seg;
    }

    /** Parses the header of {@code seg}; {@code split} is recorded in each TensorInfo. */
    public static Header read(String source, MemorySegment seg, int split) {
        return new GgufReader(source, seg).header(split);
    }

    private Header header(int split) {
        if (seg.byteSize() < 4) throw fail("file is too short to be GGUF (" + seg.byteSize() + " bytes)");
        int magic = seg.get(U32, 0);
        if (magic != MAGIC) {
            throw fail(String.format("bad magic 0x%08x: not a GGUF file (expected \"GGUF\")", Integer.reverseBytes(magic)));
        }
        pos = 4;
        int version = i32("version");
        if (version == 1) throw fail("GGUF version 1 is not supported (only v2 and v3)");
        if (version != 2 && version != 3) {
            if (Integer.reverseBytes(version) == 2 || Integer.reverseBytes(version) == 3) {
                throw fail("big-endian GGUF files are not supported");
            }
            throw fail("unsupported GGUF version " + Integer.toUnsignedString(version) + " (only v2 and v3)");
        }
        long tensorCount = i64("tensor count");
        long kvCount = i64("metadata count");
        // Counts that fit in an int are parsed until the entries run out (every entry takes at least 13 bytes, so a
        // corrupt count ends quickly with a "truncated header" that names the entry); larger ones are nonsense.
        if (kvCount < 0 || kvCount > Integer.MAX_VALUE) throw fail("implausible metadata count " + Long.toUnsignedString(kvCount));
        if (tensorCount < 0 || tensorCount > Integer.MAX_VALUE) throw fail("implausible tensor count " + Long.toUnsignedString(tensorCount));

        Map<String, GgufValue> kv = new LinkedHashMap<>();
        for (long i = 0; i < kvCount; i++) {
            long at = pos;
            String key = string("metadata key #" + i);
            int typeId = i32("type of metadata key '" + key + "'");
            GgufValueType type = GgufValueType.byId(typeId);
            if (type == null) throw failAt(at, "metadata key '" + key + "' has unknown value type " + typeId);
            if (kv.put(key, value(key, type)) != null) throw failAt(at, "duplicate metadata key '" + key + "'");
        }
        GgufMetadata metadata = new GgufMetadata(source, kv);
        int alignment = metadata.has("general.alignment") ? metadata.getInt("general.alignment") : DEFAULT_ALIGNMENT;
        if (alignment <= 0 || Integer.bitCount(alignment) != 1) throw fail("general.alignment " + alignment + " is not a power of two");

        List<TensorInfo> tensors = new ArrayList<>((int) Math.min(tensorCount, 4096));
        Set<String> names = new HashSet<>();
        for (long i = 0; i < tensorCount; i++) {
            long at = pos;
            String name = string("name of tensor #" + i);
            if (!names.add(name)) throw failAt(at, "duplicate tensor '" + name + "'");
            int nDims = i32("dimension count of tensor '" + name + "'");
            if (nDims < 1 || nDims > MAX_DIMS) throw failAt(at, "tensor '" + name + "' has " + Integer.toUnsignedString(nDims) + " dimensions (1.." + MAX_DIMS + " allowed)");
            long[] shape = new long[nDims];
            long elements = 1;
            for (int d = 0; d < nDims; d++) {
                shape[d] = i64("dimension " + d + " of tensor '" + name + "'");
                if (shape[d] <= 0) throw failAt(at, "tensor '" + name + "' has invalid dimension " + d + ": " + shape[d]);
                if (shape[d] > MAX_ELEMENTS / elements) throw failAt(at, "tensor '" + name + "' has too many elements (dimension " + d + " is " + shape[d] + ")");
                elements *= shape[d];
            }
            int typeId = i32("type of tensor '" + name + "'");
            GgmlType type = GgmlType.byId(typeId);
            if (type == null) throw failAt(at, "tensor '" + name + "' has unknown ggml type " + typeId);
            if (shape[0] % type.blockSize != 0) {
                throw failAt(at, "tensor '" + name + "': row length " + shape[0] + " is not a multiple of the " + type + " block size " + type.blockSize);
            }
            long offset = i64("data offset of tensor '" + name + "'");
            if (offset < 0 || offset % alignment != 0) {
                throw failAt(at, "tensor '" + name + "' has misaligned data offset " + Long.toUnsignedString(offset) + " (alignment " + alignment + ")");
            }
            tensors.add(new TensorInfo(name, shape, type, offset, split));
        }
        long dataOffset = (pos + alignment - 1) / alignment * alignment;
        return new Header(version, metadata, List.copyOf(tensors), alignment, dataOffset);
    }

    private GgufValue value(String key, GgufValueType type) {
        if (type == GgufValueType.ARRAY) {
            return new GgufValue(type, array(key, 0));
        }
        return new GgufValue(type, scalar(key, type));
    }

    private Object scalar(String key, GgufValueType type) {
        return switch (type) {
            case UINT8 -> Byte.toUnsignedInt(i8(key));
            case INT8 -> (int) i8(key);
            case UINT16 -> Short.toUnsignedInt(i16(key));
            case INT16 -> (int) i16(key);
            case UINT32 -> Integer.toUnsignedLong(i32(key));
            case INT32 -> i32(key);
            case FLOAT32 -> f32(key);
            case BOOL -> bool(key);
            case STRING -> string(key);
            case UINT64, INT64 -> i64(key);
            case FLOAT64 -> f64(key);
            case ARRAY -> throw new IllegalStateException();
        };
    }

    private GgufValue.Array array(String key, int depth) {
        if (depth > 8) throw fail("metadata key '" + key + "': arrays nested too deeply");
        int typeId = i32("array type of '" + key + "'");
        GgufValueType et = GgufValueType.byId(typeId);
        if (et == null) throw fail("metadata key '" + key + "' is an array of unknown type " + typeId);
        long n = i64("array length of '" + key + "'");
        long minBytes = et.scalarSize() > 0 ? et.scalarSize() : 8;
        if (n < 0 || n > (seg.byteSize() - pos) / minBytes || n > Integer.MAX_VALUE - 8) {
            throw failAt(pos - 8, "metadata key '" + key + "': array length " + Long.toUnsignedString(n) + " runs past the end of the file");
        }
        int len = (int) n;
        Object values = switch (et) {
            // The length check above guarantees that fixed-size elements lie inside the segment: copy in bulk.
            case INT32 -> bulk(U32, new int[len], len, 4);
            case FLOAT32 -> bulk(F32, new float[len], len, 4);
            case FLOAT64 -> bulk(F64, new double[len], len, 8);
            case UINT64, INT64 -> bulk(U64, new long[len], len, 8);
            case UINT8, INT8, UINT16, INT16 -> {
                int[] a = new int[len];
                for (int i = 0; i < len; i++) {
                    a[i] = switch (et) {
                        case UINT8 -> Byte.toUnsignedInt(i8(key));
                        case INT8 -> i8(key);
                        case UINT16 -> Short.toUnsignedInt(i16(key));
                        default -> i16(key);
                    };
                }
                yield a;
            }
            case UINT32 -> {
                long[] a = new long[len];
                for (int i = 0; i < len; i++) a[i] = Integer.toUnsignedLong(i32(key));
                yield a;
            }
            case BOOL -> {
                boolean[] a = new boolean[len];
                for (int i = 0; i < len; i++) a[i] = bool(key);
                yield a;
            }
            case STRING -> {
                String[] a = new String[len];
                for (int i = 0; i < len; i++) a[i] = string(key);
                yield a;
            }
            case ARRAY -> {
                List<GgufValue.Array> a = new ArrayList<>(len);
                for (int i = 0; i < len; i++) a.add(array(key, depth + 1));
                yield a;
            }
        };
        return new GgufValue.Array(et, values);
    }

    private Object bulk(ValueLayout layout, Object array, int len, int size) {
        MemorySegment.copy(seg, layout, pos, array, 0, len);
        pos += (long) len * size;
        return array;
    }

    private void need(long bytes, String what) {
        if (pos + bytes > seg.byteSize() || pos + bytes < pos) {
            throw fail("truncated header: " + what + " at byte " + pos + " needs " + bytes + " bytes but the file has " + seg.byteSize());
        }
    }

    private byte i8(String what) {
        need(1, what);
        return seg.get(ValueLayout.JAVA_BYTE, pos++);
    }

    private short i16(String what) {
        need(2, what);
        short v = seg.get(U16, pos);
        pos += 2;
        return v;
    }

    private int i32(String what) {
        need(4, what);
        int v = seg.get(U32, pos);
        pos += 4;
        return v;
    }

    private long i64(String what) {
        need(8, what);
        long v = seg.get(U64, pos);
        pos += 8;
        return v;
    }

    private float f32(String what) {
        need(4, what);
        float v = seg.get(F32, pos);
        pos += 4;
        return v;
    }

    private double f64(String what) {
        need(8, what);
        double v = seg.get(F64, pos);
        pos += 8;
        return v;
    }

    private boolean bool(String what) {
        byte b = i8(what);
        if (b != 0 && b != 1) throw failAt(pos - 1, what + ": invalid bool byte " + b);
        return b == 1;
    }

    private String string(String what) {
        // hot: vocabularies have 100k+ strings, so no message is built unless something is wrong
        if (pos + 8 > seg.byteSize()) need(8, "length of " + what);
        long len = seg.get(U64, pos);
        pos += 8;
        if (len < 0 || len > MAX_STRING) throw failAt(pos - 8, what + ": invalid string length " + Long.toUnsignedString(len));
        if (pos + len > seg.byteSize()) need(len, what);
        byte[] bytes = new byte[(int) len];
        MemorySegment.copy(seg, ValueLayout.JAVA_BYTE, pos, bytes, 0, (int) len);
        pos += len;
        String s = new String(bytes, StandardCharsets.UTF_8);
        if (s.indexOf('\uFFFD') < 0) return s;
        try {
            return utf8.reset().decode(ByteBuffer.wrap(bytes)).toString(); // a genuine U+FFFD, or invalid UTF-8?
        } catch (CharacterCodingException e) {
            // GGUF strings must be UTF-8, but llama.cpp does not check. Keep the bytes as Latin-1 code points rather
            // than failing; such a string does not write back byte-identical.
            return new String(bytes, StandardCharsets.ISO_8859_1);
        }
    }

    private GgufFormatException fail(String message) {
        return new GgufFormatException(source + ": " + message);
    }

    private GgufFormatException failAt(long at, String message) {
        return new GgufFormatException(source + " (byte " + at + "): " + message);
    }
}
