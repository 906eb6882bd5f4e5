package hearth.engine.tensor;

import java.lang.foreign.MemorySegment;

/**
 * A view of tensor data (usually a slice of a memory-mapped GGUF file; never copied to the heap).
 * Shape is in ggml order: {@code shape[0]} is the row length, {@code shape[1]} the number of rows.
 */
public record Tensor(String name, GgmlType type, long[] shape, MemorySegment data) {

    public long elements() {
        long n = 1;
        for (long d : shape) n *= d;
        return n;
    }

    /** Elements per row (ne0). */
    public int rowLength() {
        return Math.toIntExact(shape[0]);
    }

    /** Number of rows: the product of all dimensions but the first. */
    public int rows() {
        return Math.toIntExact(elements() / shape[0]);
    }

    public long rowBytes() {
        return type.bytesFor(shape[0]);
    }

    public String shapeString() {
        StringBuilder sb = new StringBuilder("[");
        for (int i = 0; i < shape.length; i++) sb.append(i == 0 ? "" : ", ").append(shape[i]);
        return sb.append(']').toString();
    }
}
