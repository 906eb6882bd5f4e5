package hearth.server.openai;

import com.fasterxml.jackson.databind.JsonNode;
import hearth.server.http.ApiError;
import hearth.server.http.Json;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * Validates OpenAI request bodies into {@link ChatRequest} / {@link CompletionRequest}. Unknown members are ignored
 * (clients send many optional ones); known members must have the documented type and range.
 */
final class RequestReader {
    static final int MAX_N = 16;
    static final int MAX_TOP_LOGPROBS = 20;
    static final int MAX_STOP = 16;
    private static final Set<String> ROLES = Set.of("system", "developer", "user", "assistant", "tool", "function");

    private RequestReader() {}

    static ChatRequest chat(JsonNode body) {
        Fields f = Fields.root(body);
        String model = f.string("model");
        List<Map<String, Object>> messages = messages(f.required("messages"));
        List<Object> tools = f.has("tools") ? tools(f.get("tools")) : null;
        boolean logprobs = f.bool("logprobs", false);
        Integer top = f.integer("top_logprobs", 0, MAX_TOP_LOGPROBS);
        if (top != null && top > 0 && !logprobs) throw Fields.bad("top_logprobs", "requires 'logprobs': true");
        Integer maxTokens = f.integer("max_completion_tokens", 0, Integer.MAX_VALUE);
        if (maxTokens == null) maxTokens = f.integer("max_tokens", 0, Integer.MAX_VALUE);
        String toolName = toolName(f);
        return new ChatRequest(model, messages, tools, toolName != null ? "required" : toolChoice(f), toolName,
                f.bool("parallel_tool_calls", false), responseFormat(f), f.string("reasoning_effort"), f.bool("stream", false), includeUsage(f),
                options(f, maxTokens, logprobs, top == null ? 0 : top));
    }

    static CompletionRequest completion(JsonNode body) {
        Fields f = Fields.root(body);
        String model = f.string("model");
        List<CompletionRequest.Prompt> prompts = prompts(f.required("prompt"));
        Integer logprobs = f.integer("logprobs", 0, MAX_TOP_LOGPROBS);
        if (f.bool("echo", false)) throw Fields.bad("echo", "is not supported");
        if (f.has("suffix")) throw Fields.bad("suffix", "is not supported");
        f.integer("best_of", 1, 1); // only the default is supported
        return new CompletionRequest(model, prompts, f.bool("stream", false), includeUsage(f),
                options(f, f.integer("max_tokens", 0, Integer.MAX_VALUE), logprobs != null, logprobs == null ? 0 : logprobs));
    }

    /** The function a {@code tool_choice} object names ({@code {"type":"function","function":{"name":..}}}), else null. */
    private static String toolName(Fields f) {
        var v = f.get("tool_choice");
        if (v == null || !v.isObject()) return null;
        Fields choice = Fields.object(v, "tool_choice");
        if (choice.has("function")) return Fields.object(choice.get("function"), "tool_choice.function").requiredString("name");
        if (choice.has("name")) return choice.string("name"); // the Responses API's flat shape
        throw Fields.bad("tool_choice", "must name a function: {\"type\": \"function\", \"function\": {\"name\": ...}}");
    }

    /** {@code response_format}: null for text; json_object (optionally with a schema) or json_schema. */
    @SuppressWarnings("unchecked")
    static ChatRequest.ResponseFormat responseFormat(Fields f) {
        if (!f.has("response_format")) return null;
        Fields rf = Fields.object(f.get("response_format"), "response_format");
        String type = rf.requiredString("type");
        return switch (type) {
            case "text" -> null;
            case "json_object" -> new ChatRequest.ResponseFormat(type,
                    rf.has("schema") ? Json.mapper().convertValue(Fields.object(rf.get("schema"), "response_format.schema").raw(), Map.class) : null);
            case "json_schema" -> {
                Fields js = Fields.object(rf.required("json_schema"), "response_format.json_schema");
                JsonNode schema = js.required("schema");
                if (!schema.isObject() && !schema.isBoolean()) throw Fields.bad("response_format.json_schema.schema", "must be a JSON Schema object");
                yield new ChatRequest.ResponseFormat(type, Json.mapper().convertValue(schema, Object.class));
            }
            default -> throw Fields.bad("response_format.type", "must be \"text\", \"json_object\" or \"json_schema\", got '" + type + "'");
        };
    }

    /** "none", "auto" or "required"; an object naming one function is read by {@link #toolName}. */
    private static String toolChoice(Fields f) {
        var v = f.get("tool_choice");
        if (v == null || v.isObject()) return null;
        if (!v.isTextual() || !Set.of("none", "auto", "required").contains(v.textValue())) {
            throw Fields.bad("tool_choice", "must be \"none\", \"auto\", \"required\" or a function object");
        }
        return v.textValue();
    }

    private static boolean includeUsage(Fields f) {
        if (!f.has("stream_options")) return false;
        return Fields.object(f.get("stream_options"), "stream_options").bool("include_usage", false);
    }

    private static GenerationOptions options(Fields f, Integer maxTokens, boolean logprobs, int topLogprobs) {
        List<String> stop = f.stringOrList("stop", MAX_STOP);
        for (int i = 0; i < stop.size(); i++) {
            if (stop.get(i).isEmpty()) throw Fields.bad("stop", "must not contain empty strings");
        }
        return new GenerationOptions(maxTokens,
                f.number("temperature", 0, 2),
                f.number("top_p", 0, 1),
                f.integer("top_k", 0, Integer.MAX_VALUE),
                f.number("min_p", 0, 1),
                f.longValue("seed", Long.MIN_VALUE, Long.MAX_VALUE),
                stop,
                f.number("presence_penalty", -2, 2),
                f.number("frequency_penalty", -2, 2),
                f.number("repeat_penalty", 0, 10),
                logitBias(f),
                logprobs, topLogprobs,
                nChoices(f),
                f.string("user"),
                f.bool("ignore_eos", false));
    }

    private static int nChoices(Fields f) {
        Integer n = f.integer("n", 1, MAX_N);
        return n == null ? 1 : n;
    }

    private static Map<Integer, Double> logitBias(Fields f) {
        if (!f.has("logit_bias")) return Map.of();
        Fields bias = Fields.object(f.get("logit_bias"), "logit_bias");
        Map<Integer, Double> out = new LinkedHashMap<>();
        for (var it = f.get("logit_bias").fieldNames(); it.hasNext(); ) {
            String key = it.next();
            int id;
            try {
                id = Integer.parseInt(key);
            } catch (NumberFormatException e) {
                throw Fields.bad("logit_bias", "keys must be token ids, got '" + key + "'");
            }
            if (id < 0) throw Fields.bad("logit_bias", "keys must be token ids >= 0, got " + id);
            out.put(id, bias.number(key, -100, 100));
        }
        return out;
    }

    private static List<Map<String, Object>> messages(JsonNode v) {
        if (!v.isArray()) throw Fields.bad("messages", "must be an array of message objects");
        if (v.isEmpty()) throw Fields.bad("messages", "must hold at least one message");
        List<Map<String, Object>> out = new ArrayList<>(v.size());
        for (int i = 0; i < v.size(); i++) out.add(message(Fields.object(v.get(i), "messages[" + i + "]"), v.get(i)));
        return out;
    }

    /** One message as the template sees it: every member kept, content normalised to a string (or null). */
    @SuppressWarnings("unchecked")
    private static Map<String, Object> message(Fields m, JsonNode raw) {
        String role = m.requiredString("role");
        if (!ROLES.contains(role)) throw Fields.bad(m.name("role"), "must be one of system, developer, user, assistant, tool; got '" + role + "'");
        Map<String, Object> msg = Json.mapper().convertValue(raw, LinkedHashMap.class);
        msg.put("content", content(m, role));
        // thinking sent back under either name (llama.cpp's reasoning_content, vLLM / OpenRouter's reasoning)
        if (msg.get("reasoning_content") == null && msg.get("reasoning") instanceof String r) msg.put("reasoning_content", r);
        return msg;
    }

    /** A string, null (assistant turns with tool calls), or a list of parts whose text parts are joined by newlines. */
    private static String content(Fields m, String role) {
        JsonNode c = m.get("content");
        String param = m.name("content");
        if (c == null) {
            if (role.equals("assistant") || role.equals("tool")) return null;
            throw ApiError.badRequest("'" + param + "' is required", param, "missing_required_parameter");
        }
        if (c.isTextual()) return c.textValue();
        if (!c.isArray()) throw Fields.bad(param, "must be a string or an array of content parts");
        StringBuilder sb = new StringBuilder();
        for (int i = 0; i < c.size(); i++) {
            Fields part = Fields.object(c.get(i), param + "[" + i + "]");
            String type = part.requiredString("type");
            if (type.equals("image_url") || type.equals("input_image")) {
                throw Fields.bad(param + "[" + i + "]", "is an image, but the model does not accept images (Hearth's built-in engine"
                        + " reads text only; serve a vision model through a llama-server, vLLM or OpenAI backend to send images)");
            }
            if (!type.equals("text")) {
                throw Fields.bad(part.name("type"), "'" + type + "' is not supported: this model reads text parts only");
            }
            if (sb.length() > 0) sb.append('\n');
            sb.append(part.requiredString("text"));
        }
        return sb.toString();
    }

    @SuppressWarnings("unchecked")
    private static List<Object> tools(JsonNode v) {
        if (!v.isArray()) throw Fields.bad("tools", "must be an array of tool objects");
        for (int i = 0; i < v.size(); i++) Fields.object(v.get(i), "tools[" + i + "]");
        return Json.mapper().convertValue(v, List.class);
    }

    private static List<CompletionRequest.Prompt> prompts(JsonNode v) {
        if (v.isTextual()) return List.of(new CompletionRequest.Prompt.Text(v.textValue()));
        if (!v.isArray()) throw Fields.bad("prompt", "must be a string, an array of strings, an array of token ids or an array of such arrays");
        if (v.isEmpty()) throw Fields.bad("prompt", "must not be empty");
        if (v.get(0).isNumber()) return List.of(tokens(v, "prompt"));
        List<CompletionRequest.Prompt> out = new ArrayList<>();
        for (int i = 0; i < v.size(); i++) {
            JsonNode p = v.get(i);
            if (p.isTextual()) out.add(new CompletionRequest.Prompt.Text(p.textValue()));
            else if (p.isArray()) out.add(tokens(p, "prompt[" + i + "]"));
            else throw Fields.bad("prompt[" + i + "]", "must be a string or an array of token ids");
        }
        if (out.size() > MAX_N) throw Fields.bad("prompt", "may hold at most " + MAX_N + " prompts");
        return out;
    }

    private static CompletionRequest.Prompt tokens(JsonNode v, String param) {
        if (v.isEmpty()) throw Fields.bad(param, "must not be empty");
        int[] ids = new int[v.size()];
        for (int i = 0; i < ids.length; i++) ids[i] = (int) Fields.integral(v.get(i), param + "[" + i + "]", 0, Integer.MAX_VALUE);
        return new CompletionRequest.Prompt.Tokens(ids);
    }
}
