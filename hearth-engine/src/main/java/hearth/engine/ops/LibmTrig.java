package hearth.engine.ops;

/**
 * Single-precision sine and cosine rounded exactly like glibc's {@code sinf}/{@code cosf} (glibc 2.28+, whose
 * implementation comes from Arm's optimized-routines, MIT licence), which llama.cpp calls for its RoPE tables. Those
 * are accurate to 0.56 ulp, so about 3 % of RoPE angles differ by one ulp from a correctly rounded
 * {@code (float) Math.cos(x)}; reproducing them keeps our rotated q and k bit-identical to llama.cpp's.
 *
 * <p>Method: reduce x to r in [-pi/4, pi/4] and a quadrant n (one multiply-subtract by pi/2 below 120, exact integer
 * arithmetic with 192 bits of 4/pi above), then evaluate an odd (sine) or even (cosine) polynomial in double and
 * round once to float. glibc's x86-64 build for FMA machines fuses the multiply-adds, as done here.
 */
public final class LibmTrig {
    private LibmTrig() {}

    /** pi * 2^-64: scales the 2.62 fixed-point remainder of the large-argument reduction. */
    private static final double PI64 = 0x1.921FB54442D18p-62;
    /** 2/pi * 2^24 and pi/2 for the fast reduction (the quadrant is rounded in 8.24 fixed point). */
    private static final double HPI_INV = 0x1.45F306DC9C883p+23;
    private static final double HPI = 0x1.921FB54442D18p0;
    /** cos(r) ~ C0 + C1 r^2 + ... + C4 r^8; sin(r) ~ r + S1 r^3 + S2 r^5 + S3 r^7 (minimax on [-pi/4, pi/4]). */
    private static final double C0 = 0x1p0, C1 = -0x1.ffffffd0c621cp-2, C2 = 0x1.55553e1068f19p-5;
    private static final double C3 = -0x1.6c087e89a359dp-10, C4 = 0x1.99343027bf8c3p-16;
    private static final double S1 = -0x1.555545995a603p-3, S2 = 0x1.1107605230bc4p-7, S3 = -0x1.994eb3774cf24p-13;
    /** 4/pi in 192 bits; entry i holds bits 8i .. 8i+31, so any 32-bit window starts at a whole entry. */
    private static final long[] INV_PIO4 = {
        0xa2L, 0xa2f9L, 0xa2f983L, 0xa2f9836eL, 0xf9836e4eL, 0x836e4e44L, 0x6e4e4415L, 0x4e441529L,
        0x441529fcL, 0x1529fc27L, 0x29fc2757L, 0xfc2757d1L, 0x2757d1f5L, 0x57d1f534L, 0xd1f534ddL, 0xf534ddc0L,
        0x34ddc0dbL, 0xddc0db62L, 0xc0db6295L, 0xdb629599L, 0x6295993cL, 0x95993c43L, 0x993c4390L, 0x3c439041L};

    /** Top 12 bits of |x| (exponent and first mantissa bit): cheap magnitude class. */
    private static int top12(float x) {
        return (Float.floatToRawIntBits(x) >>> 20) & 0x7ff;
    }

    private static final int TOP_PIO4 = top12((float) 0x1.921FB54442D18p-1);
    private static final int TOP_TINY = top12(0x1p-12f);
    private static final int TOP_120 = top12(120f);
    private static final int TOP_INF = top12(Float.POSITIVE_INFINITY);

    public static float cosf(float x) {
        return eval(x, true);
    }

    public static float sinf(float x) {
        return eval(x, false);
    }

    private static float eval(float y, boolean cos) {
        int top = top12(y);
        double x = y;
        if (top < TOP_PIO4) {
            if (top < TOP_TINY) return cos ? 1f : y;
            return poly(x, x * x, false, cos ? 1 : 0);
        }
        if (top >= TOP_INF) return Float.NaN;
        int n;
        int signQuadrant;
        if (top < TOP_120) {
            // n = round(x * 2/pi), in 8.24 fixed point so that truncation rounds to nearest
            n = ((int) (x * HPI_INV) + 0x800000) >> 24;
            x = Math.fma(-(double) n, HPI, x);
            signQuadrant = n;
        } else {
            // |x| >= 120: the 24-bit mantissa times the 96-bit window of 4/pi its exponent selects gives a 2.62
            // fixed-point product: top 2 bits are the quadrant, the rest the remainder
            int bits = Float.floatToRawIntBits(y);
            int base = (bits >>> 26) & 15;
            long m = ((long) ((bits & 0xffffff) | 0x800000) << ((bits >>> 23) & 7)) & 0xffffffffL;
            long lo = (m * INV_PIO4[base]) & 0xffffffffL;
            long fixed = ((m * INV_PIO4[base + 8]) >>> 32 | lo << 32) + m * INV_PIO4[base + 4];
            long q = (fixed + (1L << 61)) >>> 62;
            x = (double) (fixed - (q << 62)) * PI64;
            n = (int) q;
            signQuadrant = n + (bits >>> 31);
        }
        // quadrants 1 and 2 negate the reduced argument; 2 and 3 negate the result of the cosine polynomial
        double sign = ((signQuadrant + 1) & 2) == 0 ? 1.0 : -1.0;
        return poly(x * sign, x * x, (signQuadrant & 2) != 0, cos ? n ^ 1 : n);
    }

    /** Sine polynomial for even n, cosine polynomial (negated if {@code negate}) for odd n. */
    private static float poly(double x, double x2, boolean negate, int n) {
        if ((n & 1) == 0) {
            double x3 = x * x2;
            double s1 = Math.fma(x2, S3, S2);
            double x7 = x3 * x2;
            double s = Math.fma(x3, S1, x);
            return (float) Math.fma(x7, s1, s);
        }
        double g = negate ? -1.0 : 1.0;
        double x4 = x2 * x2;
        double c2 = Math.fma(x2, g * C4, g * C3);
        double c1 = Math.fma(x2, g * C1, g * C0);
        double x6 = x4 * x2;
        double c = Math.fma(x4, g * C2, c1);
        return (float) Math.fma(x6, c2, c);
    }
}
