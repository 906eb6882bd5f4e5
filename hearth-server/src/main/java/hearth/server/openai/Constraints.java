package hearth.server.openai;

import hearth.engine.chat.parse.ToolCallFormat;
import hearth.engine.grammar.Grammar;
import hearth.engine.grammar.GrammarException;
import hearth.engine.grammar.JsonSchemaGrammar;
import hearth.engine.grammar.ToolCallGrammar;
import hearth.server.http.ApiError;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

/**
 * The grammar a chat request's output must follow, or null: a forced tool call ({@code tool_choice} "required" or a
 * named function) in the model's tool-call markup, else a {@code response_format} JSON shape. {@code tool_choice}
 * "auto" stays unconstrained (a strict schema is then only a hint: the model may also answer in prose).
 */
public final class Constraints {
    private Constraints() {}

    public static Grammar forChat(ChatRequest req, ToolCallFormat format) {
        if (req.toolCallRequired()) return toolCalls(tools(req.tools(), req.toolName()), format, req.parallelToolCalls());
        if (req.responseFormat() != null) return responseFormat(req.responseFormat());
        return null;
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

    public static Grammar responseFormat(ChatRequest.ResponseFormat rf) {
        try {
            return rf.schema() == null ? JsonSchemaGrammar.anyObject() : JsonSchemaGrammar.fromSchema(rf.schema());
        } catch (IllegalArgumentException e) { // GrammarException included
            throw ApiError.badRequest("'response_format' has a schema this server cannot enforce: " + e.getMessage(), "response_format");
        }
    }

    /** The offered functions as grammar tools; only {@code only} when it names one (400 if none is called so). */
    @SuppressWarnings("unchecked")
    public static List<ToolCallGrammar.Tool> tools(List<Object> offered, String only) {
        List<ToolCallGrammar.Tool> out = new ArrayList<>();
        for (int i = 0; i < offered.size(); i++) {
            Map<String, Object> tool = (Map<String, Object>) offered.get(i);
            // chat tools nest the function; Responses-API tools are flat
            Object fn = tool.getOrDefault("function", tool);
            if (!(fn instanceof Map<?, ?> f) || !(f.get("name") instanceof String name) || name.isEmpty()) {
                throw ApiError.badRequest("'tools[" + i + "]' needs a function with a name", "tools[" + i + "]");
            }
            if (only == null || only.equals(name)) out.add(new ToolCallGrammar.Tool(name, f.get("parameters")));
        }
        if (out.isEmpty()) throw ApiError.badRequest("'tool_choice' names '" + only + "', which is not among the tools", "tool_choice");
        return out;
    }
}
