package hearth.engine.chat.parse;

import java.util.List;
import java.util.Map;

/**
 * The offered tools' parameter schemas, as far as reading key/value call markup needs them. Qwen3-Coder and GLM-4.5
 * write a string argument as bare text and any other argument as JSON, so {@code 42} is the number 42 for an integer
 * parameter but the text "42" for a string parameter; without the schema the parser can only guess (bare text that
 * parses as a JSON number, boolean, null, object or array is taken as that).
 *
 * @param schemas tool name → its {@code parameters} JSON Schema as plain Java values (maps, lists, strings, numbers)
 */
public record ToolParameters(Map<String, Object> schemas) {
    public static final ToolParameters NONE = new ToolParameters(Map.of());

    public ToolParameters {
        schemas = schemas == null ? Map.of() : Map.copyOf(schemas);
    }

    /** How an argument's bare text is read. */
    public enum Kind {
        /** The schema admits only strings: the text is the value. */
        TEXT,
        /** The schema is known and admits other values: the text is JSON if it parses as a JSON value, else a string. */
        JSON,
        /** No schema for it: guessed (see the class comment). */
        UNKNOWN
    }

    /** How the argument {@code param} of tool {@code tool} is read. */
    public Kind kind(String tool, String param) {
        if (!(schemas.get(tool) instanceof Map<?, ?> s) || !(s.get("properties") instanceof Map<?, ?> props)) return Kind.UNKNOWN;
        Object p = props.get(param);
        if (p == null) return Kind.UNKNOWN;
        return isText(p) ? Kind.TEXT : Kind.JSON;
    }

    /**
     * Whether a schema admits only strings: {@code type} "string" (alone or as the only listed type), or an
     * {@code enum}/{@code const} of strings only. Such values are written as bare text in key/value markup.
     */
    public static boolean isText(Object schema) {
        if (!(schema instanceof Map<?, ?> s)) return false;
        if (s.containsKey("anyOf") || s.containsKey("oneOf") || s.containsKey("allOf") || s.containsKey("$ref")) return false;
        if (Boolean.TRUE.equals(s.get("nullable"))) return false;
        if (s.containsKey("const")) return s.get("const") instanceof String;
        if (s.get("enum") instanceof List<?> values) return !values.isEmpty() && values.stream().allMatch(v -> v instanceof String);
        Object type = s.get("type");
        return "string".equals(type) || (type instanceof List<?> l && l.size() == 1 && "string".equals(l.getFirst()));
    }
}
