package hearth.server.router;

import hearth.engine.gguf.GgufValue;
import hearth.engine.gguf.GgufWriter;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;

/** Small GGUF headers written for catalog tests: a llama-shaped model description and no tensors. */
final class Ggufs {
    private Ggufs() {}

    static GgufWriter llama(int layers, int embd, int heads, int kvHeads, int ctx) {
        return new GgufWriter()
                .put("general.architecture", GgufValue.of("llama"))
                .put("llama.block_count", GgufValue.ofUInt32(layers))
                .put("llama.embedding_length", GgufValue.ofUInt32(embd))
                .put("llama.attention.head_count", GgufValue.ofUInt32(heads))
                .put("llama.attention.head_count_kv", GgufValue.ofUInt32(kvHeads))
                .put("llama.context_length", GgufValue.ofUInt32(ctx));
    }

    /** A tiny valid GGUF at {@code dir/relative}. */
    static Path write(Path dir, String relative) throws IOException {
        Path p = dir.resolve(relative);
        Files.createDirectories(p.getParent());
        llama(2, 64, 8, 4, 2048).write(p);
        return p;
    }
}
