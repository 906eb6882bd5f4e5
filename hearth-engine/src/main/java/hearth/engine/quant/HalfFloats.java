package hearth.engine.quant;

import static hearth.engine.quant.Simd.I256;
import static hearth.engine.quant.Simd.LE;

import java.lang.foreign.MemorySegment;
import jdk.incubator.vector.FloatVector;
import jdk.incubator.vector.IntVector;
import jdk.incubator.vector.ShortVector;
import jdk.incubator.vector.VectorOperators;

/**
 * Vectorised bf16 -> fp32 widening of 8 values (the Vector API has no half-float lane type). fp16 rows are widened by
 * {@code Float.float16ToFloat} in a loop (F16Kernel): faster than the vector form, which needed some fifteen operations
 * for subnormals, infinities and NaNs.
 */
final class HalfFloats {
    private HalfFloats() {}

    /** 8 halves (16 bytes at off) sign-extended to int lanes. */
    private static IntVector halves(MemorySegment s, long off) {
        return (IntVector) ShortVector.fromMemorySegment(ShortVector.SPECIES_128, s, off, LE).convertShape(VectorOperators.S2I, I256, 0);
    }

    /** bfloat16 -> float: the upper half of the float's bits. */
    static FloatVector bf16(MemorySegment s, long off) {
        return halves(s, off).lanewise(VectorOperators.LSHL, 16).reinterpretAsFloats();
    }
}
