package hearth.engine.kv;

import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;

/**
 * Off-heap K and V storage for every layer, addressed by slot (= block * blockSize + offset in block). A slot holds
 * one token's keys for all KV heads ({@code kvDimK} values) and its values ({@code kvDimV}), in the cache type (Q8_0:
 * blocks of 32 along the row, so with heads narrower than 32 several heads share a block's scale). Rows are converted
 * on {@link #store} and turned back into floats on every load. Which slots belong to which sequence is the business
 * of {@link BlockManager} and {@link BlockTable}; this class only stores numbers.
 *
 * <p>Each layer's K (and V) is split by heads into planes: plane p holds heads [p * h, (p + 1) * h) of every slot, one
 * row per slot, slot after slot. Attention reads one head of many slots, so its reads run through consecutive memory
 * instead of picking one head's bytes out of every slot's row (a stride the hardware prefetcher serves poorly: read
 * from memory, 64 halves of each of 256 slots of 3 heads took 0.4-0.56 ns a value head-major against 0.63-1.16 slot
 * after slot). h is one head, or for Q8_0 the fewest heads that fill whole blocks (all heads where none do): the
 * blocks, so the numbers and the bytes, are those of one row per slot.
 */
public final class KvCache implements AutoCloseable {
    private static final ValueLayout.OfShort F16 = ValueLayout.JAVA_SHORT_UNALIGNED;
    private static final ValueLayout.OfFloat F32 = ValueLayout.JAVA_FLOAT_UNALIGNED;

    private final Arena arena = Arena.ofShared();
    private final int layers;
    private final int slots;
    private final Planes k;
    private final Planes v;

    /** A cache whose rows are not split into heads (one plane). */
    public KvCache(int layers, int slots, int kvDimK, int kvDimV, KvCacheType typeK, KvCacheType typeV) {
        this(layers, slots, 1, kvDimK, kvDimV, typeK, typeV);
    }

    /** A cache for {@code kvHeads} heads of kvDimK / kvHeads keys and kvDimV / kvHeads values each. */
    public KvCache(int layers, int slots, int kvHeads, int kvDimK, int kvDimV, KvCacheType typeK, KvCacheType typeV) {
        if (kvHeads < 1 || kvDimK % kvHeads != 0 || kvDimV % kvHeads != 0) {
            throw new IllegalArgumentException("KV dims " + kvDimK + "/" + kvDimV + " do not split into " + kvHeads + " heads");
        }
        this.layers = layers;
        this.slots = slots;
        long layerK = slots * typeK.rowBytes(kvDimK), layerV = slots * typeV.rowBytes(kvDimV);
        // one mapping for all layers: reserved now, resident as slots are written (see LazyMemory)
        MemorySegment all = LazyMemory.allocate(arena, layers * (layerK + layerV));
        MemorySegment[] ks = new MemorySegment[layers], vs = new MemorySegment[layers];
        for (int l = 0; l < layers; l++) {
            ks[l] = all.asSlice(l * (layerK + layerV), layerK);
            vs[l] = all.asSlice(l * (layerK + layerV) + layerK, layerV);
        }
        this.k = new Planes(typeK, kvDimK, planeWidth(typeK, kvHeads, kvDimK / kvHeads), slots, ks);
        this.v = new Planes(typeV, kvDimV, planeWidth(typeV, kvHeads, kvDimV / kvHeads), slots, vs);
    }

    /** Values of a plane row: the fewest whole heads that fill whole blocks of the type (all heads if none do). */
    private static int planeWidth(KvCacheType type, int heads, int headDim) {
        int block = type == KvCacheType.Q8_0 ? KvCacheType.Q8_BLOCK : 1;
        for (int h = 1; h < heads; h++) {
            if (heads % h == 0 && h * headDim % block == 0) return h * headDim;
        }
        return heads * headDim;
    }

    /** Bytes one token occupies across all layers (K and V). */
    public static long bytesPerToken(int layers, int kvDimK, int kvDimV, KvCacheType typeK, KvCacheType typeV) {
        return layers * (typeK.rowBytes(kvDimK) + typeV.rowBytes(kvDimV));
    }

    public KvCacheType typeK() {
        return k.type;
    }

    public KvCacheType typeV() {
        return v.type;
    }

    public int slots() {
        return slots;
    }

    public long byteSize() {
        return slots * bytesPerToken(layers, k.dim, v.dim, k.type, v.type);
    }

    /** Stores one token's keys k[kOff .. +kvDimK) and values v[vOff .. +kvDimV) at {@code slot} of {@code layer}. */
    public void store(int layer, int slot, float[] key, int kOff, float[] value, int vOff) {
        k.store(layer, slot, key, kOff);
        v.store(layer, slot, value, vOff);
    }

    /** Copies n key values of {@code slot}, starting at element {@code off} of the slot, into dst as floats. */
    public void loadK(int layer, int slot, int off, float[] dst, int dstOff, int n) {
        k.load(layer, slot, 1, off, dst, dstOff, n);
    }

    /** Copies n value entries of {@code slot}, starting at element {@code off} of the slot, into dst as floats. */
    public void loadV(int layer, int slot, int off, float[] dst, int dstOff, int n) {
        v.load(layer, slot, 1, off, dst, dstOff, n);
    }

    /**
     * Key values [off, off + n) of the {@code count} slots from {@code firstSlot} on, as floats: slot firstSlot + i to
     * dst[dstOff + i * n ..]. A piece that is one whole plane row (a head) is one run of memory for all the slots.
     */
    public void loadK(int layer, int firstSlot, int count, int off, float[] dst, int dstOff, int n) {
        k.load(layer, firstSlot, count, off, dst, dstOff, n);
    }

    /** {@link #loadK(int, int, int, int, float[], int, int)} for the values. */
    public void loadV(int layer, int firstSlot, int count, int off, float[] dst, int dstOff, int n) {
        v.load(layer, firstSlot, count, off, dst, dstOff, n);
    }

    /** Copies every layer's K and V of slot {@code from} to slot {@code to} (copy-on-write of a shared block). */
    public void copySlot(int from, int to) {
        for (int l = 0; l < layers; l++) {
            k.copy(l, from, to);
            v.copy(l, from, to);
        }
    }

    /**
     * The keys or the values of every layer: rows of {@code dim} values in the cache type, split into planes of
     * {@code plane} values (see the class comment). Plane p of a layer starts at byte p * planeBytes of its segment;
     * the slot's row in it at slot * rowBytes.
     */
    private static final class Planes {
        final KvCacheType type;
        final int dim;
        final int plane;
        final long rowBytes;
        final long planeBytes;
        /** Whether the rows of consecutive slots read as one row: not where Q8_0 pads each row's last block. */
        final boolean packed;
        final MemorySegment[] layers;

        Planes(KvCacheType type, int dim, int plane, int slots, MemorySegment[] layers) {
            this.type = type;
            this.dim = dim;
            this.plane = plane;
            this.rowBytes = type.rowBytes(plane);
            this.planeBytes = slots * rowBytes;
            this.packed = type != KvCacheType.Q8_0 || plane % KvCacheType.Q8_BLOCK == 0;
            this.layers = layers;
        }

        void store(int layer, int slot, float[] src, int off) {
            for (int p = 0; p * plane < dim; p++) {
                write(layers[layer], type, p * planeBytes + slot * rowBytes, src, off + p * plane, plane);
            }
        }

        void load(int layer, int firstSlot, int count, int off, float[] dst, int dstOff, int n) {
            MemorySegment seg = layers[layer];
            if (packed && n == plane && off % plane == 0) { // whole plane rows of consecutive slots: one row
                read(seg, type, off / plane * planeBytes + firstSlot * rowBytes, 0, dst, dstOff, count * n);
                return;
            }
            for (int s = 0; s < count; s++) {
                long row = (firstSlot + s) * rowBytes;
                // plane by plane
                for (int o = off, d = dstOff + s * n, left = n; left > 0; ) {
                    int p = o / plane, i = o - p * plane, c = Math.min(left, plane - i);
                    read(seg, type, p * planeBytes + row, i, dst, d, c);
                    o += c;
                    d += c;
                    left -= c;
                }
            }
        }

        void copy(int layer, int from, int to) {
            MemorySegment seg = layers[layer];
            for (int p = 0; p * plane < dim; p++) {
                MemorySegment.copy(seg, p * planeBytes + from * rowBytes, seg, p * planeBytes + to * rowBytes, rowBytes);
            }
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
                // scalar: with a bulk copy to shorts first, runs of 16 slots x 64 halves took 0.29-0.32 ns a value
                // against 0.20-0.25; the Vector API widening of HalfFloats made bench model's decoding slower
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
