package hearth.server.openai;

import hearth.engine.tokenizer.Tokenizer;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * Chooses the chat template. Until the engine's Jinja renderer is available this knows the two built-in formats
 * (ChatML, Llama 3) and recognises them in model templates by their markers; other model templates fall back to ChatML.
 */
final class Templates {
    private Templates() {}

    static ChatPrompts.Renderer resolve(String override, Optional<String> modelTemplate, Tokenizer tokenizer) {
        if (override != null && !override.isBlank()) return named(override);
        if (modelTemplate.isPresent()) return bySource(modelTemplate.get(), "model");
        return CHATML;
    }

    static ChatPrompts.Renderer named(String nameOrFile) {
        return switch (nameOrFile) {
            case "chatml" -> CHATML;
            case "llama3" -> LLAMA3;
            default -> {
                Path p = Path.of(nameOrFile);
                if (!Files.isRegularFile(p)) {
                    throw new IllegalArgumentException("--chat-template: '" + nameOrFile + "' is neither a built-in template (chatml, llama3) nor a file");
                }
                try {
                    yield bySource(Files.readString(p), p.getFileName().toString());
                } catch (IOException e) {
                    throw new UncheckedIOException(e);
                }
            }
        };
    }

    private static ChatPrompts.Renderer bySource(String source, String name) {
        if (source.contains("<|start_header_id|>")) return LLAMA3;
        return CHATML;
    }

    private static String text(Map<String, Object> m) {
        Object c = m.get("content");
        return c == null ? "" : c.toString();
    }

    static final ChatPrompts.Renderer CHATML = new ChatPrompts.Renderer() {
        @Override
        public String render(List<Map<String, Object>> messages, List<Object> tools, boolean addGenerationPrompt) {
            StringBuilder sb = new StringBuilder();
            for (Map<String, Object> m : messages) {
                sb.append("<|im_start|>").append(m.get("role")).append('\n').append(text(m)).append("<|im_end|>\n");
            }
            if (addGenerationPrompt) sb.append("<|im_start|>assistant\n");
            return sb.toString();
        }

        @Override
        public String name() {
            return "chatml";
        }
    };

    static final ChatPrompts.Renderer LLAMA3 = new ChatPrompts.Renderer() {
        @Override
        public String render(List<Map<String, Object>> messages, List<Object> tools, boolean addGenerationPrompt) {
            StringBuilder sb = new StringBuilder("<|begin_of_text|>");
            for (Map<String, Object> m : messages) {
                sb.append("<|start_header_id|>").append(m.get("role")).append("<|end_header_id|>\n\n")
                        .append(text(m).strip()).append("<|eot_id|>");
            }
            if (addGenerationPrompt) sb.append("<|start_header_id|>assistant<|end_header_id|>\n\n");
            return sb.toString();
        }

        @Override
        public String name() {
            return "llama3";
        }
    };
}
