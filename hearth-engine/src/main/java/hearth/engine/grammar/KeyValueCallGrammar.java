package hearth.engine.grammar;

import static hearth.engine.grammar.Expr.alt;
import static hearth.engine.grammar.Expr.notChars;
import static hearth.engine.grammar.Expr.opt;
import static hearth.engine.grammar.Expr.ref;
import static hearth.engine.grammar.Expr.repeat;
import static hearth.engine.grammar.Expr.seq;
import static hearth.engine.grammar.Expr.star;
import static hearth.engine.grammar.Expr.text;

import hearth.engine.chat.parse.ToolParameters;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * Tool calls whose arguments are key/value markup rather than a JSON object, spelled as the chat templates render them:
 * <pre>
 * Qwen3-Coder  &lt;tool_call&gt;\n&lt;function=NAME&gt;\n&lt;parameter=KEY&gt;\nVALUE\n&lt;/parameter&gt;\n...&lt;/function&gt;\n&lt;/tool_call&gt;
 * GLM-4.5      &lt;tool_call&gt;NAME\n&lt;arg_key&gt;KEY&lt;/arg_key&gt;\n&lt;arg_value&gt;VALUE&lt;/arg_value&gt;\n...&lt;/tool_call&gt;
 * </pre>
 * Keys are the schema's properties in schema order, required ones always present, optional ones may be left out (no
 * other keys). A value whose schema admits only strings ({@link ToolParameters#isText}) is bare text: an enum's or
 * const's strings, a {@code format} date/time/uuid, at most {@code maxLength} characters other than {@code <}, or any
 * text without the closing marker; {@code pattern} is not applied to bare text. Every other value is JSON following
 * its schema, as for JSON tool calls. A tool without declared properties takes any keys with bare-text values.
 */
final class KeyValueCallGrammar {
    /** How one format spells a call around its arguments, and one argument around its key and value. */
    private record Spelling(String callStart, String afterName, String callEnd, String keyStart, String keyEnd,
                            String valueEnd, String keyForbidden) {}

    private static final Spelling QWEN3_CODER = new Spelling("<tool_call>\n<function=", ">\n", "</function>\n</tool_call>",
            "<parameter=", ">\n", "\n</parameter>\n", ">\n");
    private static final Spelling GLM45 = new Spelling("<tool_call>", "\n", "</tool_call>",
            "<arg_key>", "</arg_key>\n<arg_value>", "</arg_value>\n", "<\n");

    private final Spelling spelling;
    private final RuleSet rules = new RuleSet();
    private final SchemaCompiler json;
    private final String terminator; // the closing marker a bare value must not contain

    private KeyValueCallGrammar(Spelling spelling, JsonSchemaGrammar.Options options) {
        this.spelling = spelling;
        this.json = new SchemaCompiler(new JsonRules(rules, options.maxIndent()), options.strictObjects());
        this.terminator = spelling.valueEnd().strip();
    }

    static Grammar qwen3Coder(List<ToolCallGrammar.Tool> tools, boolean parallel, JsonSchemaGrammar.Options options) {
        return new KeyValueCallGrammar(QWEN3_CODER, options).build(tools, parallel);
    }

    static Grammar glm45(List<ToolCallGrammar.Tool> tools, boolean parallel, JsonSchemaGrammar.Options options) {
        return new KeyValueCallGrammar(GLM45, options).build(tools, parallel);
    }

    private Grammar build(List<ToolCallGrammar.Tool> tools, boolean parallel) {
        if (tools == null || tools.isEmpty()) throw new GrammarException("a tool-call grammar needs at least one tool");
        List<Expr> calls = new ArrayList<>();
        for (ToolCallGrammar.Tool t : tools) {
            checkName(t.name());
            calls.add(seq(text(spelling.callStart() + t.name() + spelling.afterName()), arguments(t), text(spelling.callEnd())));
        }
        String call = rules.add("call", alt(calls));
        String root = rules.reserve("root");
        rules.define(root, parallel ? seq(ref(call), star(seq(text("\n"), ref(call)))) : ref(call));
        return rules.compile(root);
    }

    private void checkName(String name) {
        if (name.contains("<") || name.contains(">") || name.contains("\n")) {
            throw new GrammarException("the tool name '" + name + "' cannot be written in this call format");
        }
    }

    private Expr arguments(ToolCallGrammar.Tool t) {
        Map<String, Object> schema = t.parameters() instanceof Map<?, ?> m ? SchemaMaps.map(m, t.name()) : Map.of();
        Map<String, Object> props = schema.get("properties") instanceof Map<?, ?> p ? SchemaMaps.map(p, t.name() + ": properties") : Map.of();
        Set<String> required = new LinkedHashSet<>();
        if (schema.get("required") instanceof List<?> r) for (Object k : r) required.add(String.valueOf(k));
        Map<String, Object> all = new LinkedHashMap<>(props);
        for (String r : required) all.putIfAbsent(r, Boolean.TRUE); // required but undescribed: any value
        if (all.isEmpty()) return star(argument(freeKey(), bareText()));
        List<Expr> items = new ArrayList<>();
        for (Map.Entry<String, Object> e : all.entrySet()) {
            String key = e.getKey();
            checkKey(key, t.name());
            Expr v = Boolean.TRUE.equals(e.getValue()) ? bareText() : value(schema, e.getValue(), t.name() + "-" + key);
            Expr one = argument(text(key), v);
            items.add(required.contains(key) ? one : opt(one));
        }
        return ref(rules.add("args-" + t.name(), seq(items.toArray(Expr[]::new))));
    }

    private void checkKey(String key, String tool) {
        for (char c : spelling.keyForbidden().toCharArray()) {
            if (key.indexOf(c) >= 0) throw new GrammarException(tool + ": the parameter name '" + key + "' cannot be written in this call format");
        }
        if (key.isEmpty() || !key.strip().equals(key)) throw new GrammarException(tool + ": the parameter name '" + key + "' cannot be read back");
    }

    private Expr argument(Expr key, Expr value) {
        return seq(text(spelling.keyStart()), key, text(spelling.keyEnd()), value, text(spelling.valueEnd()));
    }

    private Expr freeKey() {
        int[] forbidden = new int[2 * spelling.keyForbidden().length() + 2];
        int i = 0;
        for (char c : (spelling.keyForbidden() + "<").toCharArray()) {
            forbidden[i++] = c;
            forbidden[i++] = c;
        }
        // no blanks at either end: the parser strips them
        Expr inner = notChars(concat(forbidden, ' ', ' ', '\t', '\t'));
        return ref(rules.add("free-key", seq(inner, opt(seq(star(notChars(forbidden)), inner)))));
    }

    private static int[] concat(int[] a, int... b) {
        int[] out = java.util.Arrays.copyOf(a, a.length + b.length);
        System.arraycopy(b, 0, out, a.length, b.length);
        return out;
    }

    /** A value following {@code schema}, a property of {@code parameters} (which its {@code $ref}s resolve against). */
    private Expr value(Object parameters, Object schema, String name) {
        if (!ToolParameters.isText(schema)) return json.compileIn(parameters, schema, name);
        Map<String, Object> s = SchemaMaps.map(schema, name);
        if (s.get("const") instanceof String c) return text(checkBare(c, name));
        if (s.get("enum") instanceof List<?> values) {
            List<Expr> options = new ArrayList<>();
            for (Object v : values) options.add(text(checkBare((String) v, name)));
            return alt(options);
        }
        if (s.get("format") instanceof String f && Formats.content(f) != null) return ref(rules.add("bare-" + f, Formats.content(f)));
        int min = SchemaMaps.count(s.get("minLength"), 0, name + ": minLength");
        int max = SchemaMaps.count(s.get("maxLength"), -1, name + ": maxLength");
        if (max >= 0 && max < min) throw new GrammarException(name + ": maxLength is below minLength");
        if (min == 0 && max < 0) return bareText();
        // counted characters: '<' left out, so that no closing marker can form inside
        return ref(rules.add("bare-" + min + "-" + (max < 0 ? "n" : max), repeat(notChars('<', '<'), min, max < 0 ? Expr.Repeat.UNBOUNDED : max)));
    }

    private String checkBare(String value, String name) {
        if (value.contains(terminator)) throw new GrammarException(name + ": the value '" + value + "' cannot be written as bare text");
        return value;
    }

    /**
     * Any text in which the closing marker {@code T} (which starts with '<', its only '<') never occurs, as a small
     * automaton: state i means the text so far ends with the first i characters of T. Each state is a rule whose
     * alternatives read one more character and go to the next state (right recursion: constant stack depth).
     */
    private Expr bareText() {
        String known = "bare-text";
        if (rules.contains(known)) return ref(known);
        int k = terminator.length();
        String[] state = new String[k];
        state[0] = known;
        rules.put(known, Expr.empty()); // placeholder, defined below
        for (int i = 1; i < k; i++) state[i] = rules.reserve("bare-text-" + i);
        rules.put(known, alt(seq(notChars('<', '<'), ref(state[0])), seq(text("<"), ref(state[1])), Expr.empty()));
        for (int i = 1; i < k; i++) {
            int c = terminator.charAt(i);
            List<Expr> options = new ArrayList<>();
            if (i + 1 < k) options.add(seq(text(String.valueOf((char) c)), ref(state[i + 1])));
            options.add(seq(text("<"), ref(state[1])));
            options.add(seq(notChars('<', '<', c, c), ref(state[0])));
            options.add(Expr.empty());
            rules.define(state[i], alt(options));
        }
        return ref(known);
    }
}
