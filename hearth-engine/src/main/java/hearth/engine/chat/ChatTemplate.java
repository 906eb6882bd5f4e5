package hearth.engine.chat;

import hearth.engine.chat.jinja.JinjaTemplate;
import hearth.engine.chat.jinja.TemplateException;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.time.LocalDateTime;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;

/**
 * A Hugging Face chat template (the Jinja text in a model's {@code tokenizer.chat_template}), rendered exactly as
 * transformers' {@code apply_chat_template} renders it with Python Jinja2. Instances are immutable and thread-safe.
 *
 * <p>Errors are {@link TemplateException}s; {@link TemplateException.Kind#TEMPLATE_ERROR} means the template itself
 * refused the conversation through {@code raise_exception(...)} (e.g. "System role not supported").
 */
public final class ChatTemplate {
    private final String source;
    private final JinjaTemplate template;

    private ChatTemplate(String source, JinjaTemplate template) {
        this.source = source;
        this.template = template;
    }

    /** Compiles a template; throws {@link TemplateException} (kind SYNTAX) when it is not valid Jinja. */
    public static ChatTemplate compile(String source) {
        Objects.requireNonNull(source, "source");
        return new ChatTemplate(source, JinjaTemplate.compile(source));
    }

    /** Built-in ChatML fallback ({@code <|im_start|>role\ncontent<|im_end|>\n}) for models without a template. */
    public static ChatTemplate chatml() {
        return Builtins.CHATML;
    }

    /** Built-in Llama 3 fallback ({@code <|start_header_id|>role<|end_header_id|>\n\ncontent<|eot_id|>}). */
    public static ChatTemplate llama3() {
        return Builtins.LLAMA3;
    }

    /** A built-in template by name ({@code chatml} or {@code llama3}). */
    public static ChatTemplate builtin(String name) {
        return switch (name) {
            case "chatml" -> chatml();
            case "llama3" -> llama3();
            default -> throw new IllegalArgumentException("no built-in chat template named '" + name + "'");
        };
    }

    public String source() {
        return source;
    }

    /** Renders with arbitrary variables; {@code strftime_now} reports the current local time. */
    public String render(Map<String, ?> variables) {
        return render(variables, LocalDateTime.now());
    }

    /** Renders with arbitrary variables and a fixed time for {@code strftime_now}. */
    public String render(Map<String, ?> variables, LocalDateTime now) {
        return template.render(variables, now);
    }

    /**
     * Renders a conversation the way {@code apply_chat_template} passes it.
     *
     * @param messages            the messages, each a map with {@code role}, {@code content} (string or list of parts),
     *                            optionally {@code tool_calls}, {@code tool_call_id}, {@code reasoning_content}...
     * @param tools               tool definitions, or null for none (then {@code tools} stays undefined)
     * @param addGenerationPrompt whether to open the assistant turn at the end
     * @param bosToken            the model's BOS text (may be null: left undefined)
     * @param eosToken            the model's EOS text (may be null: left undefined)
     * @param extra               further template variables such as {@code enable_thinking} or {@code reasoning_effort}
     */
    public String apply(List<? extends Map<String, ?>> messages, List<?> tools, boolean addGenerationPrompt,
                        String bosToken, String eosToken, Map<String, ?> extra) {
        return render(variables(messages, tools, addGenerationPrompt, bosToken, eosToken, extra));
    }

    /** The variables {@link #apply} renders with, for callers that want to add or inspect some. */
    public static Map<String, Object> variables(List<? extends Map<String, ?>> messages, List<?> tools,
                                                boolean addGenerationPrompt, String bosToken, String eosToken,
                                                Map<String, ?> extra) {
        Map<String, Object> vars = new LinkedHashMap<>();
        if (extra != null) vars.putAll(extra);
        vars.put("messages", messages);
        if (tools != null) vars.put("tools", tools);
        vars.put("add_generation_prompt", addGenerationPrompt);
        if (bosToken != null) vars.put("bos_token", bosToken);
        if (eosToken != null) vars.put("eos_token", eosToken);
        return vars;
    }

    /** Lazily loaded built-in templates. */
    private static final class Builtins {
        static final ChatTemplate CHATML = load("chatml.jinja");
        static final ChatTemplate LLAMA3 = load("llama3.jinja");

        private static ChatTemplate load(String resource) {
            try (InputStream in = ChatTemplate.class.getResourceAsStream(resource)) {
                if (in == null) throw new IllegalStateException("missing resource " + resource);
                return compile(new String(in.readAllBytes(), StandardCharsets.UTF_8));
            } catch (IOException e) {
                throw new UncheckedIOException(e);
            }
        }
    }
}
