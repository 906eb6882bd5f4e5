package hearth.server.openai;

import hearth.engine.chat.ChatTemplate;
import hearth.engine.chat.jinja.TemplateException;
import hearth.engine.tokenizer.Tokenizer;
import hearth.server.backend.Backend;
import hearth.server.http.ApiError;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Renders chat messages to prompt text with the template chosen at start: {@code --chat-template} (a built-in name,
 * chatml or llama3, or a Jinja file), else the model's own {@code tokenizer.chat_template}, else ChatML. Resolved
 * once, when the model is loaded (the model's template is only known then).
 */
public final class ChatPrompts {
    private static final Logger LOG = LoggerFactory.getLogger(ChatPrompts.class);

    /** A compiled template, its name for logs, and the model's BOS/EOS spellings it may refer to. */
    record Resolved(ChatTemplate template, String name, String bos, String eos) {}

    private final Backend backend;
    private final String override;
    private volatile Resolved resolved;

    public ChatPrompts(Backend backend, String override) {
        this.backend = backend;
        this.override = override;
    }

    /**
     * Compiles a {@code --chat-template} value (built-in name or Jinja file); throws IllegalArgumentException naming
     * the problem. Lets the command line fail at start rather than at the first request.
     */
    public static ChatTemplate compileOverride(String nameOrFile) {
        if (nameOrFile.equals("chatml") || nameOrFile.equals("llama3")) return ChatTemplate.builtin(nameOrFile);
        Path p = Path.of(nameOrFile);
        if (!Files.isRegularFile(p)) {
            throw new IllegalArgumentException("--chat-template: '" + nameOrFile + "' is neither a built-in template (chatml, llama3) nor a file");
        }
        try {
            return ChatTemplate.compile(Files.readString(p));
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        } catch (TemplateException e) {
            throw new IllegalArgumentException("--chat-template " + p + ": " + e.getMessage(), e);
        }
    }

    /** The prompt text for a conversation (400 if the template refuses it). */
    public String render(List<Map<String, Object>> messages, List<Object> tools, boolean addGenerationPrompt) {
        return render(messages, tools, addGenerationPrompt, Map.of());
    }

    /** As {@link #render(List, List, boolean)} with extra template variables (e.g. {@code reasoning_effort}). */
    public String render(List<Map<String, Object>> messages, List<Object> tools, boolean addGenerationPrompt, Map<String, Object> extra) {
        Resolved r = resolved();
        try {
            return r.template().apply(messages, tools, addGenerationPrompt, r.bos(), r.eos(), extra);
        } catch (TemplateException e) {
            String why = e.kind() == TemplateException.Kind.TEMPLATE_ERROR ? "the chat template refused the messages: "
                    : "the chat template could not render the messages: ";
            throw ApiError.badRequest(why + e.getMessage(), "messages", "template_error");
        }
    }

    /** The template's name for logs: chatml, llama3, a file name, or "model". */
    public String name() {
        return resolved().name();
    }

    /** The template source in use (for output-format detection). */
    public String source() {
        return resolved().template().source();
    }

    private Resolved resolved() {
        Resolved r = resolved;
        if (r == null) {
            synchronized (this) {
                if (resolved == null) resolved = resolve();
                r = resolved;
            }
        }
        return r;
    }

    private Resolved resolve() {
        Tokenizer tok = backend.tokenizer();
        String bos = tok.bos() >= 0 ? tok.tokenText(tok.bos()) : null;
        String eos = tok.eos() >= 0 ? tok.tokenText(tok.eos()) : null;
        if (override != null && !override.isBlank()) {
            return new Resolved(compileOverride(override), Path.of(override).getFileName().toString(), bos, eos);
        }
        var own = backend.chatTemplate();
        if (own.isPresent()) {
            try {
                return new Resolved(ChatTemplate.compile(own.get()), "model", bos, eos);
            } catch (TemplateException e) {
                LOG.warn("the model's chat template does not compile ({}); using ChatML", e.getMessage());
            }
        }
        return new Resolved(ChatTemplate.chatml(), "chatml", bos, eos);
    }
}
