/**
 * ggml tensor formats and their mat-mul kernels.
 *
 * <p>{@link hearth.engine.quant.Kernels#forType} gives the {@link hearth.engine.quant.QuantKernel} of a
 * {@link hearth.engine.tensor.GgmlType}; one class per format holds the block layout, the scalar dequantisation (the
 * definition) and the Vector API dot products. Like ggml's CPU backend, activations are first converted once per
 * call ({@link hearth.engine.quant.Activations}: Q8_0, Q8_1, Q8_K, fp16- or bf16-rounded floats) and each dot product is
 * an exact integer sum per block times the block scales, so results equal llama.cpp's up to float summation order.
 *
 * <p>Writing Vector API kernels for C2: keep each hot method small. The Vector API expands into many IR nodes while
 * C2 parses, and once a method passes C2's inlining node budget the remaining helper calls are not inlined and box
 * their vectors, which makes a kernel 5-10x slower. So the loops here process one block per iteration (C2 unrolls
 * them), alternate two accumulators instead of unrolling by hand, and micro-kernels take at most two activation rows.
 */
package hearth.engine.quant;
