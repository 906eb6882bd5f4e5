package hearth.engine.kv;

import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;

/**
 * Off-heap K and V storage for every layer, addressed by slot (= block * blockSize + offset in block). A slot holds
 * one token's keys for all KV heads ({@code kvDimK} values) and its values ({@code kvDimV}). Which slots belong to which
 * sequence is the business of {@link BlockManager} and {@link BlockTable}; this class only stores numbers.
 */
public final class KvCache implements AutoCloseable {
    private static final ValueLayout.OfShort F16 = ValueLayout.JAVA_SHORT_UNALIGNED;
    private static final ValueLayout.OfFloat F32 = ValueLayout.JAVA_FLOAT_UNALIGNED;

    private final Arena arena = Arena.ofShared();
    private final int layers;
    private final int slots;
    private final int kvDimK;
    private final int kvDimV;
    private final KvCacheType typeK;
    private final KvCacheType typeV;
    private final MemorySegment[] k;
    private final MemorySegment[] v;

    public KvCache(int layers, int slots, int kvDimK, int kvDimV, KvCacheType typeK, KvCacheType typeV) {
        this.layers = layers;
        this.slots = slots;
        this.kvDimK = kvDimK;
        this.kvDimV = kvDimV;
        this.typeK = typeK;
        this.typeV = typeV;
        this.k = new MemorySegment[layers];
        this.v = new MemorySegment[layers];
        for (int l = 0; l < layers; l++) {
            k[l] = arena.allocate((long) slots * kvDimK * typeK.bytes, 64);
            v[l] = arena.allocate((long) slots * kvDimV * typeV.bytes, 64);
        }
    }

    /** Bytes one token occupies across all layers (K and V). */
    public static long bytesPerToken(int layers, int kvDimK, int kvDimV, KvCacheType typeK, KvCacheType typeV) {
        return (long) layers * ((long) kvDimK * typeK.bytes + (long) kvDimV * typeV.bytes);
    }

    public KvCacheType typeK() {
        return typeK;
    }

    public KvCacheType typeV() {
        return typeV;
    }

    public int slots() {
        return slots;
    }

    public long byteSize() {
        return (long) slots * bytesPerToken(1, kvDimK, kvDimV, typeK, typeV) * layers;
    }

    /** Stores one token's keys k[kOff .. +kvDimK) and values v[vOff .. +kvDimV) at {@code slot} of {@code layer}. */
    public void store(int layer, int slot, float[] key, int kOff, float[] value, int vOff) {
        write(k[layer], typeK, (long) slot * kvDimK, key, kOff, kvDimK);
        write(v[layer], typeV, (long) slot * kvDimV, value, vOff, kvDimV);
    }

    /** Copies n key values of {@code slot}, starting at element {@code off} of the slot, into dst as floats. */
    public void loadK(int layer, int slot, int off, float[] dst, int dstOff, int n) {
        read(k[layer], typeK, (long) slot * kvDimK + off, dst, dstOff, n);
    }

    /** Copies n value entries of {@code slot}, starting at element {@code off} of the slot, into dst as floats. */
    public void loadV(int layer, int slot, int off, float[] dst, int dstOff, int n) {
        read(v[layer], typeV, (long) slot * kvDimV + off, dst, dstOff, n);
    }

    /** Copies every layer's K and V of slot {@code from} to slot {@code to} (copy-on-write of a shared block). */
    public void copySlot(int from, int to) {
        for (int l = 0; l < layers; l++) {
            long kb = (long) kvDimK * typeK.bytes;
            long vb = (long) kvDimV * typeV.bytes;
            MemorySegment.copy(k[l], from * kb, k[l], to * kb, kb);
            MemorySegment.copy(v[l], from * vb, v[l], to * vb, vb);
        }
    }

    private static void write(MemorySegment seg, KvCacheType type, long index, float[] src, int off, int n) {
        if (type == KvCacheType.F32) {
            MemorySegment.copy(src, off, seg, F32, index * 4, n);
        } else {
            long b = index * 2;
            for (int i = 0; i < n; i++) seg.set(F16, b + 2L * i, Float.floatToFloat16(src[off + i]));
        }
    }

    private static void read(MemorySegment seg, KvCacheType type, long index, float[] dst, int off, int n) {
        if (type == KvCacheType.F32) {
            MemorySegment.copy(seg, F32, index * 4, dst, off, n);
        } else {
            long b = index * 2;
            for (int i = 0; i < n; i++) dst[off + i] = Float.float16ToFloat(seg.get(F16, b + 2L * i));
        }
    }

    @Override
    public void close() {
        arena.close();
    }
}
