package hearth.engine.grammar;

import static hearth.engine.grammar.Expr.alt;
import static hearth.engine.grammar.Expr.ref;
import static hearth.engine.grammar.Expr.repeat;
import static hearth.engine.grammar.Expr.seq;
import static hearth.engine.grammar.Expr.text;

import hearth.engine.chat.parse.ToolCallFormat;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.function.Function;

/**
 * Grammars that force a tool call ({@code tool_choice: "required"} or a named function), spelled the way the model's
 * chat format writes calls, with each function's arguments following its parameter schema.
 *
 * <p>Control tokens never match a grammar, so a marker that the vocabulary only has as a control token (e.g.
 * Mistral's {@code [TOOL_CALLS]} in some vocabularies) would have to be spelled out with ordinary tokens; Hermes/Qwen
 * markers such as {@code <tool_call>} are user-defined tokens and match directly.
 */
public final class ToolCallGrammar {
    /** A function the model may call: its name and its parameters' JSON Schema (null: any object). */
    public record Tool(String name, Object parameters) {
        public Tool {
            if (name == null || name.isEmpty()) throw new IllegalArgumentException("a tool needs a name");
        }
    }

    private ToolCallGrammar() {}

    /**
     * One call as a JSON object {@code {"name": "<tool>", "<argumentsKey>": <its parameters>}}: the name decides which
     * parameter schema the arguments follow.
     */
    public static Grammar callObject(List<Tool> tools, String argumentsKey, JsonSchemaGrammar.Options options) {
        RuleSet rules = new RuleSet();
        String root = rules.reserve("root");
        rules.define(root, callObject(rules, tools, argumentsKey, options));
        return rules.compile(root);
    }

    /**
     * One call per alternative spelled {@code prefix(name) <arguments object> suffix}, e.g. DeepSeek's
     * {@code function<｜tool▁sep｜>NAME\n```json\n{...}\n```} or Mistral's {@code NAME[ARGS]{...}}.
     */
    public static Grammar namedArguments(List<Tool> tools, Function<String, String> prefix, String suffix, JsonSchemaGrammar.Options options) {
        RuleSet rules = new RuleSet();
        String root = rules.reserve("root");
        JsonRules json = new JsonRules(rules, options.maxIndent());
        SchemaCompiler compiler = new SchemaCompiler(json, options.strictObjects());
        List<Expr> calls = new ArrayList<>();
        for (Tool t : requireTools(tools)) {
            calls.add(seq(text(prefix.apply(t.name())), arguments(compiler, t), text(suffix)));
        }
        rules.define(root, alt(calls));
        return rules.compile(root);
    }

    /** {@code prefix inner suffix}: a grammar wrapped in literal text (markers around a call). */
    public static Grammar wrap(String prefix, Grammar inner, String suffix) {
        return repeated(prefix, inner, suffix, "", 1, 1);
    }

    /**
     * {@code prefix inner suffix}, {@code min..max} times with {@code separator} between (max -1: no limit): several
     * calls in one turn ({@code parallel_tool_calls}).
     */
    public static Grammar repeated(String prefix, Grammar inner, String suffix, String separator, int min, int max) {
        Map<String, Expr> rules = new LinkedHashMap<>(inner.rules());
        String name = "wrapped";
        for (int i = 1; rules.containsKey(name); i++) name = "wrapped-" + i;
        Expr one = seq(text(prefix), ref(inner.rootRule()), text(suffix));
        Expr body = max == 1 ? one : seq(one, repeat(seq(text(separator), one), Math.max(0, min - 1),
                max < 0 ? Expr.Repeat.UNBOUNDED : max - 1));
        rules.put(name, body);
        return Grammar.of(rules, name);
    }

    /**
     * A complete tool-call turn in a chat format: HERMES {@code <tool_call>\n{"name":..,"arguments":..}\n</tool_call>},
     * LLAMA3 a bare {@code {"name":..,"parameters":..}} (always one call), MISTRAL {@code [TOOL_CALLS][{"name":..,"arguments":..}]},
     * DEEPSEEK the R1 form with a fenced JSON block between its call markers, QWEN3_CODER and GLM45 their key/value
     * markup (see {@link KeyValueCallGrammar}). With {@code parallel}, one or more calls. NONE has no grammar:
     * {@link GrammarException}.
     */
    public static Grammar forFormat(ToolCallFormat format, List<Tool> tools, boolean parallel) {
        JsonSchemaGrammar.Options o = JsonSchemaGrammar.Options.DEFAULT;
        int max = parallel ? -1 : 1;
        return switch (format) {
            case HERMES -> repeated("<tool_call>\n", callObject(tools, "arguments", o), "\n</tool_call>", "\n", 1, max);
            case LLAMA3 -> callObject(tools, "parameters", o); // one bare JSON call per turn

            case MISTRAL -> {
                RuleSet rules = new RuleSet();
                String root = rules.reserve("root");
                Expr call = callObject(rules, tools, "arguments", o);
                Expr calls = parallel ? seq(call, Expr.star(seq(text(", "), call))) : call;
                rules.define(root, seq(text("[TOOL_CALLS]["), calls, text("]")));
                yield rules.compile(root);
            }
            case DEEPSEEK -> {
                Grammar call = namedArguments(tools,
                        name -> "<｜tool▁call▁begin｜>function<｜tool▁sep｜>" + name + "\n```json\n", "\n```<｜tool▁call▁end｜>", o);
                yield wrap("<｜tool▁calls▁begin｜>", repeated("", call, "", "\n", 1, max), "<｜tool▁calls▁end｜>");
            }
            case QWEN3_CODER -> KeyValueCallGrammar.qwen3Coder(tools, parallel, o);
            case GLM45 -> KeyValueCallGrammar.glm45(tools, parallel, o);
            case NONE -> throw new GrammarException("no tool-call grammar for the " + format + " format");
        };
    }

    /**
     * The grammar of {@link #forFormat}, applied {@linkplain Grammar#lazy lazily} ({@code tool_choice: "auto"} with
     * strict schemas): the model may answer in prose, but a call it starts with the format's opening marker follows
     * the tools' schemas. LLAMA3's bare JSON call triggers on {@code {"name"}.
     */
    public static Grammar lazyForFormat(ToolCallFormat format, List<Tool> tools, boolean parallel) {
        String trigger = switch (format) {
            case HERMES, QWEN3_CODER, GLM45 -> "<tool_call>";
            case LLAMA3 -> "{\"name\"";
            case MISTRAL -> "[TOOL_CALLS]";
            case DEEPSEEK -> "<｜tool▁calls▁begin｜>";
            case NONE -> throw new GrammarException("no tool-call grammar for the " + format + " format");
        };
        return forFormat(format, tools, parallel).lazy(List.of(trigger));
    }

    private static Expr callObject(RuleSet rules, List<Tool> tools, String argumentsKey, JsonSchemaGrammar.Options options) {
        JsonRules json = new JsonRules(rules, options.maxIndent());
        SchemaCompiler compiler = new SchemaCompiler(json, options.strictObjects());
        Expr ws = json.ws();
        List<Expr> calls = new ArrayList<>();
        for (Tool t : requireTools(tools)) {
            calls.add(seq(text("{"), ws, text("\"name\""), ws, text(":"), ws, text(JsonRules.quote(t.name())), ws, text(","), ws,
                    text(JsonRules.quote(argumentsKey)), ws, text(":"), ws, arguments(compiler, t), ws, text("}")));
        }
        return alt(calls);
    }

    private static Expr arguments(SchemaCompiler compiler, Tool t) {
        Object params = t.parameters() == null ? Map.of("type", "object") : t.parameters();
        return compiler.compileRoot(params, "args-" + t.name());
    }

    private static List<Tool> requireTools(List<Tool> tools) {
        if (tools == null || tools.isEmpty()) throw new GrammarException("a tool-call grammar needs at least one tool");
        return tools;
    }
}
