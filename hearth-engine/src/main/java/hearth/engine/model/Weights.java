package hearth.engine.model;

import hearth.engine.gguf.GgufFile;
import hearth.engine.gguf.GgufFormatException;
import hearth.engine.ops.MatMul;
import hearth.engine.tensor.Tensor;

/** Fetches named tensors with shape and type checks that name the tensor when the file does not fit the architecture. */
final class Weights {
    private final GgufFile file;

    Weights(GgufFile file) {
        this.file = file;
    }

    boolean has(String name) {
        return file.hasTensor(name);
    }

    /** A matrix [in, out] in ggml order, checked for shape and kernel support. */
    Tensor matrix(String name, long in, long out) {
        Tensor t = file.tensor(name);
        if (t.shape().length != 2 || t.shape()[0] != in || t.shape()[1] != out) {
            throw new GgufFormatException(file.paths().getFirst() + ": tensor '" + name + "' has shape " + t.shapeString()
                    + ", expected [" + in + ", " + out + "]");
        }
        if (!MatMul.supports(t.type())) {
            throw new GgufFormatException(file.paths().getFirst() + ": tensor '" + name + "' has type " + t.type() + ", which Hearth cannot compute with yet");
        }
        return t;
    }

    /** A vector of n floats, dequantised to the heap. */
    float[] vector(String name, long n) {
        Tensor t = file.tensor(name);
        if (t.elements() != n) {
            throw new GgufFormatException(file.paths().getFirst() + ": tensor '" + name + "' has shape " + t.shapeString() + ", expected [" + n + "]");
        }
        float[] out = new float[(int) n];
        Tensor flat = new Tensor(t.name(), t.type(), new long[] {n}, t.data());
        MatMul.dequantizeRow(flat, 0, out, 0);
        return out;
    }

    float[] optionalVector(String name, long n) {
        return has(name) ? vector(name, n) : null;
    }
}
