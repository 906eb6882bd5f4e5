package hearth.engine.quant;

/**
 * A kernel whose row micro-kernels cover every batch and read the activations only in {@link Activations#qeo}'s even/odd
 * order (Q4_1, Q5_1, Q2_K, Q3_K and Q5_K): no other activation copy is made for it ({@link
 * TiledKernel#activationLayouts}). (Q4_K and Q6_K batches go through {@link DecodedBatch}.)
 */
abstract class QeoRowKernel extends TiledKernel {
    @Override
    final boolean rowKernels() {
        return true;
    }
}
