package hearth.engine.ops;

/**
 * Single-precision e^x rounded exactly like glibc's {@code expf} (glibc 2.27+, from Arm's optimized-routines, MIT
 * licence), which ggml uses for the elements of a row that do not fill a whole vector (SiLU, softmax). It is not
 * always correctly rounded (0.502 ulp), so {@code (float) Math.exp(x)} occasionally differs by one ulp.
 *
 * <p>Method: x * 32/ln2 = k + r with integer k and |r| <= 1/2; e^x = 2^(k/32) * 2^(r/32), the first factor from a
 * 32-entry table of 2^(i/32) with k/32's integer part added to the exponent, the second a cubic polynomial, all in
 * double; glibc's x86-64 build for FMA machines fuses the polynomial's multiply-adds.
 */
public final class LibmExp {
    private LibmExp() {}

    /** Bits of 2^(i/32) minus i << 47, so that adding k << 47 puts k/32's integer part into the exponent. */
    private static final long[] TAB = {
        0x3ff0000000000000L, 0x3fefd9b0d3158574L, 0x3fefb5586cf9890fL, 0x3fef9301d0125b51L,
        0x3fef72b83c7d517bL, 0x3fef54873168b9aaL, 0x3fef387a6e756238L, 0x3fef1e9df51fdee1L,
        0x3fef06fe0a31b715L, 0x3feef1a7373aa9cbL, 0x3feedea64c123422L, 0x3feece086061892dL,
        0x3feebfdad5362a27L, 0x3feeb42b569d4f82L, 0x3feeab07dd485429L, 0x3feea47eb03a5585L,
        0x3feea09e667f3bcdL, 0x3fee9f75e8ec5f74L, 0x3feea11473eb0187L, 0x3feea589994cce13L,
        0x3feeace5422aa0dbL, 0x3feeb737b0cdc5e5L, 0x3feec49182a3f090L, 0x3feed503b23e255dL,
        0x3feee89f995ad3adL, 0x3feeff76f2fb5e47L, 0x3fef199bdd85529cL, 0x3fef3720dcef9069L,
        0x3fef5818dcfba487L, 0x3fef7c97337b9b5fL, 0x3fefa4afa2a490daL, 0x3fefd0765b6e4540L};
    private static final int N = 32;
    private static final double INV_LN2_N = 0x1.71547652b82fep+0 * N;
    /** Adding 1.5 * 2^52 rounds to an integer, which then sits in the low bits of the double. */
    private static final double SHIFT = 0x1.8p+52;
    /** 2^(r/32) ~ 1 + C2 r + C1 r^2 + C0 r^3 (coefficients for ln2, scaled by 1/32 per power). */
    private static final double C0 = 0x1.c6af84b912394p-5 / N / N / N;
    private static final double C1 = 0x1.ebfce50fac4f3p-3 / N / N;
    private static final double C2 = 0x1.62e42ff0c52d6p-1 / N;

    private static final int TOP_88 = top12(88.0f);
    private static final int TOP_INF = top12(Float.POSITIVE_INFINITY);

    private static int top12(float x) {
        return (Float.floatToRawIntBits(x) >>> 20) & 0x7ff;
    }

    public static float expf(float x) {
        int abstop = top12(x);
        if (abstop >= TOP_88) {
            if (x == Float.NEGATIVE_INFINITY) return 0f;
            if (abstop >= TOP_INF) return x + x;
            if (x > 0x1.62e42ep6f) return Float.POSITIVE_INFINITY;
            if (x < -0x1.9fe368p6f) return 0f;
        }
        double z = INV_LN2_N * x;
        double kd = z + SHIFT;
        long ki = Double.doubleToRawLongBits(kd);
        kd -= SHIFT;
        double r = z - kd;
        double s = Double.longBitsToDouble(TAB[(int) (ki & (N - 1))] + (ki << 47));
        double p = Math.fma(C0, r, C1);
        double y = Math.fma(C2, r, 1.0);
        y = Math.fma(p, r * r, y);
        return (float) (y * s);
    }
}
