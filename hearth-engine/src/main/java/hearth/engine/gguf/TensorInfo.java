package hearth.engine.gguf;

import hearth.engine.tensor.GgmlType;
import java.util.Arrays;

/**
 * One tensor's header entry. {@code shape} is in ggml order: shape[0] is the row length (contiguous), shape[1] the
 * number of rows. {@code offset} is in bytes, relative to the start of the data section of split file {@code split}
 * (0-based). The shape array is copied in and out, so the record is immutable and compares by content.
 */
public record TensorInfo(String name, long[] shape, GgmlType type, long offset, int split) {
    public TensorInfo {
        shape = shape.clone();
    }

    @Override
    public long[] shape() {
        return shape.clone();
    }

    public int dims() {
        return shape.length;
    }

    public long dim(int i) {
        return shape[i];
    }

    public long elements() {
        long n = 1;
        for (long d : shape) n *= d;
        return n;
    }

    public long bytes() {
        return type.bytesFor(elements());
    }

    /** The shape as {@code [64, 512]}. */
    public String shapeString() {
        return Arrays.toString(shape);
    }

    @Override
    public boolean equals(Object o) {
        return o instanceof TensorInfo t && name.equals(t.name) && Arrays.equals(shape, t.shape) && type == t.type
                && offset == t.offset && split == t.split;
    }

    @Override
    public int hashCode() {
        return ((name.hashCode() * 31 + Arrays.hashCode(shape)) * 31 + type.hashCode()) * 31 + Long.hashCode(offset) * 31 + split;
    }

    @Override
    public String toString() {
        return "TensorInfo[" + name + " " + type + " " + shapeString() + " @" + offset + (split > 0 ? " split " + split : "") + "]";
    }
}
