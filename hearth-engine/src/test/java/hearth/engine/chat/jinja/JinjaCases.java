package hearth.engine.chat.jinja;

import com.fasterxml.jackson.databind.ObjectMapper;
import java.time.LocalDateTime;
import java.util.Map;
import org.junit.jupiter.params.provider.Arguments;

/** Table rows for interpreter tests: a template, its variables as JSON, and the expected output or error. */
final class JinjaCases {
    private static final ObjectMapper JSON = new ObjectMapper();
    static final LocalDateTime FIXED_NOW = LocalDateTime.of(2025, 7, 26, 12, 0);

    private JinjaCases() {}

    static Arguments row(String template, String variablesJson, String expected) {
        return Arguments.of(template, variablesJson, expected);
    }

    /** The rendered text, or {@code "!" + kind + ": " + message} when rendering (or compiling) fails. */
    @SuppressWarnings("unchecked")
    static String outcome(String template, String variablesJson) {
        try {
            Map<String, Object> vars = JSON.readValue(variablesJson, Map.class);
            return JinjaTemplate.compile(template).render(vars, FIXED_NOW);
        } catch (TemplateException e) {
            return "!" + e.describe();
        } catch (java.io.IOException e) {
            throw new IllegalArgumentException(e);
        }
    }
}
