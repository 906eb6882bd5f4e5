package hearth.server.openai;

import hearth.engine.chat.parse.ToolCallFormat;
import hearth.engine.chat.parse.ToolParameters;
import hearth.engine.grammar.Grammar;
import hearth.engine.grammar.GrammarException;
import hearth.engine.grammar.JsonSchemaGrammar;
import hearth.engine.grammar.ToolCallGrammar;
import hearth.server.http.ApiError;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * The grammar a chat-like request's output must follow, or null, in this order: a forced tool call ({@code tool_choice}
 * "required" or a named function) in the model's tool-call markup; the {@code response_format} (Responses API:
 * {@code text.format}) JSON shape; with {@code tool_choice} "auto" and at least one {@code strict} tool, a lazy
 * tool-call grammar: the model may answer in prose, but a call it starts follows the schemas (non-strict tools' arguments
 * are then any JSON object). A response format wins over strict tools under "auto".
 */
public final class Constraints {
    private Constraints() {}

    /**
     * @param tools        offered tools (chat shape, or flat Responses tools), null when none
     * @param toolChoice   "none", "auto", "required" (also for a named function) or null (absent: auto)
     * @param toolName     the function a named choice forces, else null
     * @param responseFormat the JSON shape asked for, or null for text
     * @param format       the model's tool-call markup
     */
    public static Grammar of(List<Object> tools, String toolChoice, String toolName, boolean parallel,
                             ChatRequest.ResponseFormat responseFormat, ToolCallFormat format) {
        boolean toolsEnabled = tools != null && !tools.isEmpty() && !"none".equals(toolChoice);
        if (toolsEnabled && "required".equals(toolChoice)) return toolCalls(tools(tools, toolName), format, parallel);
        if (responseFormat != null) return responseFormat(responseFormat);
        if (toolsEnabled) return strictCalls(tools, format, parallel);
        return null;
    }

    public static Grammar forChat(ChatRequest req, ToolCallFormat format) {
        return of(req.tools(), req.toolChoice(), req.toolName(), req.parallelToolCalls(), req.responseFormat(), format);
    }

    /** One call (or several, with {@code parallel}) of one of {@code tools}, spelled as {@code format} writes it. */
    public static Grammar toolCalls(List<ToolCallGrammar.Tool> tools, ToolCallFormat format, boolean parallel) {
        if (format == ToolCallFormat.NONE) {
            throw ApiError.badRequest("'tool_choice' requires a tool call but this server's chat template has no tool-call"
                    + " markup (start it with --tool-parser)", "tool_choice");
        }
        try {
            return ToolCallGrammar.forFormat(format, tools, parallel);
        } catch (GrammarException e) {
            throw ApiError.badRequest("cannot enforce 'tool_choice': " + e.getMessage(), "tool_choice");
        }
    }

    /** The lazy grammar of calls when some offered tool is strict (null when none is, or the markup is unknown). */
    static Grammar strictCalls(List<Object> offered, ToolCallFormat format, boolean parallel) {
        if (format == ToolCallFormat.NONE) return null;
        List<ToolCallGrammar.Tool> tools = new ArrayList<>();
        boolean anyStrict = false;
        for (Object tool : offered) {
            Map<String, Object> fn = functionOrNull(tool);
            if (fn == null) continue; // not a function tool: the template may show it, no grammar covers it
            boolean strict = Boolean.TRUE.equals(fn.get("strict"));
            anyStrict |= strict;
            tools.add(new ToolCallGrammar.Tool((String) fn.get("name"), strict ? fn.get("parameters") : null));
        }
        if (!anyStrict) return null;
        try {
            return ToolCallGrammar.lazyForFormat(format, tools, parallel);
        } catch (GrammarException e) {
            throw ApiError.badRequest("'tools' has a strict schema this server cannot enforce: " + e.getMessage(), "tools");
        }
    }

    public static Grammar responseFormat(ChatRequest.ResponseFormat rf) {
        try {
            return rf.schema() == null ? JsonSchemaGrammar.anyObject() : JsonSchemaGrammar.fromSchema(rf.schema());
        } catch (IllegalArgumentException e) { // GrammarException included
            throw ApiError.badRequest("'response_format' has a schema this server cannot enforce: " + e.getMessage(), "response_format");
        }
    }

    /** The offered functions as grammar tools; only {@code only} when it names one (400 if none is called so). */
    public static List<ToolCallGrammar.Tool> tools(List<Object> offered, String only) {
        List<ToolCallGrammar.Tool> out = new ArrayList<>();
        for (int i = 0; i < offered.size(); i++) {
            Map<String, Object> fn = function(offered.get(i), i);
            String name = (String) fn.get("name");
            if (only == null || only.equals(name)) out.add(new ToolCallGrammar.Tool(name, fn.get("parameters")));
        }
        if (out.isEmpty()) throw ApiError.badRequest("'tool_choice' names '" + only + "', which is not among the tools", "tool_choice");
        return out;
    }

    /** The offered functions' parameter schemas by name, so that bare-text arguments are read back with their types. */
    public static ToolParameters parameters(List<Object> offered) {
        if (offered == null) return ToolParameters.NONE;
        Map<String, Object> schemas = new LinkedHashMap<>();
        for (Object tool : offered) {
            Map<String, Object> fn = functionOrNull(tool);
            if (fn != null && fn.get("parameters") != null) schemas.put((String) fn.get("name"), fn.get("parameters"));
        }
        return new ToolParameters(schemas);
    }

    private static Map<String, Object> function(Object tool, int i) {
        Map<String, Object> fn = functionOrNull(tool);
        if (fn == null) throw ApiError.badRequest("'tools[" + i + "]' needs a function with a name", "tools[" + i + "]");
        return fn;
    }

    /** The function of a tool (chat tools nest it under "function", Responses-API tools are flat); null if it has no name. */
    @SuppressWarnings("unchecked")
    private static Map<String, Object> functionOrNull(Object tool) {
        Object fn = tool instanceof Map<?, ?> t ? ((Map<String, Object>) t).getOrDefault("function", t) : null;
        if (!(fn instanceof Map<?, ?> f) || !(f.get("name") instanceof String name) || name.isEmpty()) return null;
        return (Map<String, Object>) f;
    }
}
