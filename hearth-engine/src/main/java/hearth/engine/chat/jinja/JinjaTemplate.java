package hearth.engine.chat.jinja;

import java.time.LocalDateTime;
import java.util.List;
import java.util.Map;

/**
 * A compiled Jinja2 template, configured as Hugging Face transformers configures Jinja2 for chat templates:
 * immutable sandbox, {@code trim_blocks}, {@code lstrip_blocks}, loop controls ({@code break}/{@code continue}),
 * {@code tojson} without ASCII escaping, and the globals {@code raise_exception(msg)} and {@code strftime_now(fmt)}.
 *
 * <p>Compiled templates are immutable and can be rendered by many threads at once.
 */
public final class JinjaTemplate {
    private final List<Node> nodes;

    private JinjaTemplate(List<Node> nodes) {
        this.nodes = nodes;
    }

    /** Parses {@code source}; throws {@link TemplateException} of kind SYNTAX for malformed templates. */
    public static JinjaTemplate compile(String source) {
        return new JinjaTemplate(List.copyOf(Parser.parse(new Lexer(source, true, true).tokenize())));
    }

    /**
     * Renders with the given variables (plain Java values: String, Boolean, Integer/Long/Double, List, Map, null).
     *
     * @param now the time {@code strftime_now} reports
     * @throws TemplateException when the template refuses the input ({@code raise_exception}, type errors...)
     */
    public String render(Map<String, ?> variables, LocalDateTime now) {
        return new Interpreter(now).render(nodes, variables);
    }
}
