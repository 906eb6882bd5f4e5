package hearth.engine.quant;

import hearth.engine.tensor.GgmlType;
import java.util.EnumMap;
import java.util.Map;

/** The kernel of each supported tensor type. */
public final class Kernels {
    private Kernels() {}

    private static final Map<GgmlType, QuantKernel> BY_TYPE = new EnumMap<>(GgmlType.class);

    static {
        for (QuantKernel k : new QuantKernel[] {
            new F32Kernel(), new F16Kernel(), new BF16Kernel(),
            new Q8_0Kernel(), new Q4_0Kernel(), new Q4_1Kernel(), new Q5_0Kernel(), new Q5_1Kernel(), new IQ4_NLKernel(),
            new Q2_KKernel(), new Q3_KKernel(), new Q4_KKernel(), new Q5_KKernel(), new Q6_KKernel()}) {
            BY_TYPE.put(k.type(), k);
        }
    }

    public static boolean supports(GgmlType type) {
        return BY_TYPE.containsKey(type);
    }

    /** The kernel for {@code type}; an {@link UnsupportedOperationException} naming the type if there is none. */
    public static QuantKernel forType(GgmlType type) {
        QuantKernel k = BY_TYPE.get(type);
        if (k == null) throw new UnsupportedOperationException("tensor type " + type + " is not supported");
        return k;
    }

    /**
     * The implementation llama.cpp's x86 (AVX2) build uses to multiply a {@code rows x k} matrix of {@code type} with
     * n activation rows: Q4_0 matrices with a multiple of 8 rows are repacked at load time (any n); batches (n >= 2)
     * go through llamafile's tinyBLAS for the Q8_0-activation block types, and for F32/F16 when k is a multiple of 8
     * and rows of 4; the rest uses vec_dot.
     */
    public static GgmlPath path(GgmlType type, int rows, int k, int n) {
        if (type == GgmlType.Q4_0 && rows % 8 == 0) return GgmlPath.REPACKED_Q4_0;
        if (n < 2) return GgmlPath.VEC_DOT;
        return switch (type) {
            case Q8_0, Q4_0, Q5_0, IQ4_NL -> GgmlPath.SGEMM;
            case F32, F16 -> k % 8 == 0 && rows % 4 == 0 ? GgmlPath.SGEMM : GgmlPath.VEC_DOT;
            default -> GgmlPath.VEC_DOT;
        };
    }

    /**
     * Frees what kernels derived from weights whose memory has since been closed (Q4_0's and Q5_0's interleaved copies); the
     * engine calls it after closing a model's file. Safe at any time: copies of open weights stay.
     */
    public static void releaseClosedWeights() {
        Q4_0Repacked.releaseClosed();
        Q5_0Repacked.releaseClosed();
    }

    /** Whether the Vector API kernels are in use (false: scalar reference code, e.g. without 256-bit vectors). */
    public static boolean vectorized() {
        return Simd.ENABLED;
    }
}
