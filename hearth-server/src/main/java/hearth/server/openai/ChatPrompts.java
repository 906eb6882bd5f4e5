package hearth.server.openai;

import hearth.server.backend.Backend;
import hearth.server.http.ApiError;
import java.util.List;
import java.util.Map;

/**
 * Renders chat messages to the prompt text with the template chosen at start: {@code --chat-template} (a built-in
 * name or a Jinja file), else the model's own template, else ChatML. Resolved once, when the model is loaded.
 */
public final class ChatPrompts {
    private final Backend backend;
    private final String override;
    private volatile Renderer renderer;

    /** How a template turns a conversation into text. */
    interface Renderer {
        String render(List<Map<String, Object>> messages, List<Object> tools, boolean addGenerationPrompt);

        String name();
    }

    public ChatPrompts(Backend backend, String override) {
        this.backend = backend;
        this.override = override;
    }

    public String render(List<Map<String, Object>> messages, List<Object> tools, boolean addGenerationPrompt) {
        try {
            return renderer().render(messages, tools, addGenerationPrompt);
        } catch (ApiError e) {
            throw e;
        } catch (RuntimeException e) {
            throw ApiError.badRequest("the chat template could not render these messages: " + e.getMessage(), "messages", "template_error");
        }
    }

    /** The template's name for logs ({@code chatml}, {@code llama3}, {@code model}, or a file name). */
    public String name() {
        return renderer().name();
    }

    private Renderer renderer() {
        Renderer r = renderer;
        if (r == null) {
            synchronized (this) {
                if (renderer == null) renderer = Templates.resolve(override, backend.chatTemplate(), backend.tokenizer());
                r = renderer;
            }
        }
        return r;
    }
}
