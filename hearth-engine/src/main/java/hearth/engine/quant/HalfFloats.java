package hearth.engine.quant;

import static hearth.engine.quant.Simd.F256;
import static hearth.engine.quant.Simd.I256;
import static hearth.engine.quant.Simd.LE;

import java.lang.foreign.MemorySegment;
import jdk.incubator.vector.FloatVector;
import jdk.incubator.vector.IntVector;
import jdk.incubator.vector.ShortVector;
import jdk.incubator.vector.VectorMask;
import jdk.incubator.vector.VectorOperators;

/** Vectorised fp16/bf16 -> fp32 widening of 8 values (the Vector API has no half-float lane type). */
final class HalfFloats {
    private HalfFloats() {}

    private static final float TWO_POW_MINUS_24 = 0x1p-24f;

    /** 8 halves (16 bytes at off) sign-extended to int lanes. */
    private static IntVector halves(MemorySegment s, long off) {
        return (IntVector) ShortVector.fromMemorySegment(ShortVector.SPECIES_128, s, off, LE).convertShape(VectorOperators.S2I, I256, 0);
    }

    /** IEEE binary16 -> float, exact for normals, subnormals, infinities and NaNs. */
    static FloatVector f16(MemorySegment s, long off) {
        IntVector h = halves(s, off);
        IntVector em = h.and(0x7fff);
        IntVector sign = h.and(0x8000).lanewise(VectorOperators.LSHL, 16);
        // normals: move exponent/mantissa into place and rebias the exponent by 127 - 15
        IntVector bits = em.lanewise(VectorOperators.LSHL, 13).add((127 - 15) << 23);
        VectorMask<Integer> infNan = em.compare(VectorOperators.GE, 0x7c00);
        bits = bits.blend(em.lanewise(VectorOperators.LSHL, 13).or(0x7f800000), infNan);
        FloatVector f = bits.or(sign).reinterpretAsFloats();
        // zeros and subnormals (exponent 0): mantissa * 2^-24, computed without subnormal float inputs
        VectorMask<Integer> sub = em.compare(VectorOperators.LT, 0x400);
        FloatVector subs = ((FloatVector) em.convert(VectorOperators.I2F, 0)).mul(TWO_POW_MINUS_24);
        subs = subs.reinterpretAsInts().or(sign).reinterpretAsFloats();
        return f.blend(subs, sub.cast(F256));
    }

    /** bfloat16 -> float: the upper half of the float's bits. */
    static FloatVector bf16(MemorySegment s, long off) {
        return halves(s, off).lanewise(VectorOperators.LSHL, 16).reinterpretAsFloats();
    }
}
