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

    /** Whether the Vector API kernels are in use (false: scalar reference code, e.g. without 256-bit vectors). */
    public static boolean vectorized() {
        return Simd.ENABLED;
    }
}
