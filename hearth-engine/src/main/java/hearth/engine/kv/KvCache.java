package hearth.engine.kv;

import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;

/**
 * Off-heap K and V storage for every layer, addressed by slot (= block * blockSize + offset in block). A slot holds
 * one token's keys for all KV heads ({@code kvDimK} values) and its values ({@code kvDimV}), each as one row of the
 * cache type (Q8_0: blocks of 32 along the row, so with heads narrower than 32 several heads share a block's scale).
 * Rows are converted on {@link #store} and turned back into floats on every load. Which slots belong to which sequence
 * is the business of {@link BlockManager} and {@link BlockTable}; this class only stores numbers.
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
    private final long rowBytesK;
    private final long rowBytesV;
    private final MemorySegment[] k;
    private final MemorySegment[] v;

    public KvCache(int layers, int slots, int kvDimK, int kvDimV, KvCacheType typeK, KvCacheType typeV) {
        this.layers = layers;
        this.slots = slots;
        this.kvDimK = kvDimK;
        this.kvDimV = kvDimV;
        this.typeK = typeK;
        this.typeV = typeV;
        this.rowBytesK = typeK.rowBytes(kvDimK);
        this.rowBytesV = typeV.rowBytes(kvDimV);
        this.k = new MemorySegment[layers];
        this.v = new MemorySegment[layers];
        for (int l = 0; l < layers; l++) {
            k[l] = arena.allocate(slots * rowBytesK, 64);
            v[l] = arena.allocate(slots * rowBytesV, 64);
        }
    }

    /** Bytes one token occupies across all layers (K and V). */
    public static long bytesPerToken(int layers, int kvDimK, int kvDimV, KvCacheType typeK, KvCacheType typeV) {
        return layers * (typeK.rowBytes(kvDimK) + typeV.rowBytes(kvDimV));
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
        return slots * bytesPerToken(layers, kvDimK, kvDimV, typeK, typeV);
    }

    /** Stores one token's keys k[kOff .. +kvDimK) and values v[vOff .. +kvDimV) at {@code slot} of {@code layer}. */
    public void store(int layer, int slot, float[] key, int kOff, float[] value, int vOff) {
        write(k[layer], typeK, slot * rowBytesK, key, kOff, kvDimK);
        write(v[layer], typeV, slot * rowBytesV, value, vOff, kvDimV);
    }

    /** Copies n key values of {@code slot}, starting at element {@code off} of the slot, into dst as floats. */
    public void loadK(int layer, int slot, int off, float[] dst, int dstOff, int n) {
        read(k[layer], typeK, slot * rowBytesK, off, dst, dstOff, n);
    }

    /** Copies n value entries of {@code slot}, starting at element {@code off} of the slot, into dst as floats. */
    public void loadV(int layer, int slot, int off, float[] dst, int dstOff, int n) {
        read(v[layer], typeV, slot * rowBytesV, off, dst, dstOff, n);
    }

    /** Copies every layer's K and V of slot {@code from} to slot {@code to} (copy-on-write of a shared block). */
    public void copySlot(int from, int to) {
        for (int l = 0; l < layers; l++) {
            MemorySegment.copy(k[l], from * rowBytesK, k[l], to * rowBytesK, rowBytesK);
            MemorySegment.copy(v[l], from * rowBytesV, v[l], to * rowBytesV, rowBytesV);
        }
    }

    /** Converts src[off .. off+n) into the row that starts at byte {@code base}. */
    private static void write(MemorySegment seg, KvCacheType type, long base, float[] src, int off, int n) {
        switch (type) {
            case F32 -> MemorySegment.copy(src, off, seg, F32, base, n);
            case F16 -> {
                for (int i = 0; i < n; i++) seg.set(F16, base + 2L * i, Float.floatToFloat16(src[off + i]));
            }
            case Q8_0 -> Q8Rows.write(seg, base, src, off, n);
        }
    }

    /** Values [index, index+n) of the row that starts at byte {@code base}, as floats into dst[off ..]. */
    private static void read(MemorySegment seg, KvCacheType type, long base, int index, float[] dst, int off, int n) {
        switch (type) {
            case F32 -> MemorySegment.copy(seg, F32, base + 4L * index, dst, off, n);
            case F16 -> {
                long b = base + 2L * index;
                for (int i = 0; i < n; i++) dst[off + i] = Float.float16ToFloat(seg.get(F16, b + 2L * i));
            }
            case Q8_0 -> Q8Rows.read(seg, base, index, dst, off, n);
        }
    }

    @Override
    public void close() {
        arena.close();
    }
}
