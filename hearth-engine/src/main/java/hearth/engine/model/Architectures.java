package hearth.engine.model;

import hearth.engine.gguf.GgufFile;
import hearth.engine.gguf.GgufFormatException;
import hearth.engine.ops.WorkerPool;
import java.util.Map;

/** Registry of supported {@code general.architecture} values and the forward pass that runs each. */
public final class Architectures {
    /** Builds a model for one architecture from an open file, its config and the compute pool. */
    @FunctionalInterface
    public interface Loader {
        Model load(GgufFile file, WorkerPool pool);
    }

    // llama.cpp: LLAMA_ROPE_TYPE_NORM for llama/mistral, NEOX for qwen2/qwen3 (llama_model_rope_type)
    private static final Map<String, Loader> LOADERS = Map.of(
            "llama", (f, p) -> new Llama(f, ModelConfig.from(f.metadata(), false), p),
            "mistral", (f, p) -> new Llama(f, ModelConfig.from(f.metadata(), false), p),
            "qwen2", (f, p) -> new Llama(f, ModelConfig.from(f.metadata(), true), p),
            "qwen3", (f, p) -> new Llama(f, ModelConfig.from(f.metadata(), true), p));

    private Architectures() {}

    public static boolean supports(String architecture) {
        return LOADERS.containsKey(architecture);
    }

    public static Model load(GgufFile file, WorkerPool pool) {
        String arch = file.metadata().getString("general.architecture");
        Loader loader = LOADERS.get(arch);
        if (loader == null) {
            throw new GgufFormatException(file.paths().getFirst() + ": architecture '" + arch + "' is not supported (supported: "
                    + String.join(", ", new java.util.TreeSet<>(LOADERS.keySet())) + ")");
        }
        return loader.load(file, pool);
    }
}
