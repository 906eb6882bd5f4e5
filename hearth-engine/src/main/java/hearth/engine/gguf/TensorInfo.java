package hearth.engine.gguf;

import hearth.engine.tensor.GgmlType;

/**
 * One tensor's header entry. {@code shape} is in ggml order: shape[0] is the row length (contiguous), shape[1] the
 * number of rows. {@code offset} is relative to the start of the data section of {@code split}.
 */
public record TensorInfo(String name, long[] shape, GgmlType type, long offset, int split) {
    public long elements() {
        long n = 1;
        for (long d : shape) n *= d;
        return n;
    }

    public long bytes() {
        return type.bytesFor(elements());
    }
}
