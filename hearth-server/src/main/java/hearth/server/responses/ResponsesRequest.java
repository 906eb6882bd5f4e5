package hearth.server.responses;

import com.fasterxml.jackson.databind.JsonNode;
import hearth.server.http.ApiError;
import hearth.server.http.Json;
import hearth.server.openai.ChatRequest;
import hearth.server.openai.GenerationOptions;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * An OpenAI {@code POST /v1/responses} body mapped onto template messages: {@code instructions} → system message,
 * message items → messages, {@code function_call} items → the assistant's {@code tool_calls},
 * {@code function_call_output} items → {@code tool} messages. Flat function tools become chat tool objects; their
 * {@code strict} defaults to true, as the Responses API documents. {@code text.format} is read like chat's
 * {@code response_format}.
 *
 * @param toolChoice     "auto", "none", "required" (also for a named function), null when absent
 * @param responseFormat {@code text.format} json_object / json_schema, null for text
 * @param text           the {@code text} configuration to echo in the response object
 */
record ResponsesRequest(String model, List<Map<String, Object>> messages, List<Object> tools, String toolChoice,
                        String toolName, boolean parallelToolCalls, ChatRequest.ResponseFormat responseFormat, Object text,
                        boolean stream, GenerationOptions options) {

    boolean toolsEnabled() {
        return tools != null && !tools.isEmpty() && !"none".equals(toolChoice);
    }

    static ResponsesRequest read(JsonNode body) {
        if (body == null || !body.isObject()) throw ApiError.badRequest("the request body must be a JSON object", null);
        List<Map<String, Object>> messages = new ArrayList<>();
        if (body.hasNonNull("instructions")) messages.add(message("system", body.get("instructions").asText()));
        JsonNode input = body.get("input");
        if (input == null || input.isNull()) throw ApiError.badRequest("'input' is required", "input", "missing_required_parameter");
        if (input.isTextual()) messages.add(message("user", input.textValue()));
        else if (input.isArray()) {
            for (int i = 0; i < input.size(); i++) item(messages, input.get(i), "input[" + i + "]");
        } else throw bad("input", "must be a string or an array of items");
        if (messages.isEmpty() || messages.stream().allMatch(m -> "system".equals(m.get("role")))) throw bad("input", "holds no message");
        List<Object> tools = tools(body.get("tools"));
        String choice = null;
        String name = null;
        JsonNode tc = body.get("tool_choice");
        if (tc != null && tc.isTextual()) {
            choice = tc.textValue();
            if (!List.of("auto", "none", "required").contains(choice)) throw bad("tool_choice", "must be auto, none, required or a function");
        } else if (tc != null && tc.isObject()) {
            name = tc.path("name").asText(null);
            if (name == null) throw bad("tool_choice.name", "is required");
            choice = "required";
        }
        Integer max = body.hasNonNull("max_output_tokens") ? body.get("max_output_tokens").asInt() : null;
        if (max != null && max < 1) throw bad("max_output_tokens", "must be a positive integer");
        var o = new GenerationOptions(max, number(body, "temperature", 2), number(body, "top_p", 1), null, null, null, List.of(),
                null, null, null, Map.of(), false, 0, 1, null, false);
        JsonNode text = body.get("text");
        ChatRequest.ResponseFormat format = textFormat(text);
        Object echo = text != null && text.isObject() ? Json.mapper().convertValue(text, Map.class) : Map.of("format", Map.of("type", "text"));
        return new ResponsesRequest(body.path("model").asText(null), messages, tools, choice, name,
                body.path("parallel_tool_calls").asBoolean(false), format, echo, body.path("stream").asBoolean(false), o);
    }

    /**
     * {@code text.format}: {@code {"type":"text"}}, {@code {"type":"json_object"}} or
     * {@code {"type":"json_schema","name":..,"schema":{..},"strict":..}} (flat, unlike chat's nested json_schema).
     */
    private static ChatRequest.ResponseFormat textFormat(JsonNode text) {
        if (text == null || text.isNull()) return null;
        if (!text.isObject()) throw bad("text", "must be an object");
        JsonNode f = text.get("format");
        if (f == null || f.isNull()) return null;
        if (!f.isObject()) throw bad("text.format", "must be an object");
        String type = f.path("type").asText("");
        return switch (type) {
            case "text" -> null;
            case "json_object" -> new ChatRequest.ResponseFormat(type, null);
            case "json_schema" -> {
                JsonNode schema = f.get("schema");
                if (schema == null || (!schema.isObject() && !schema.isBoolean())) throw bad("text.format.schema", "must be a JSON Schema object");
                yield new ChatRequest.ResponseFormat(type, Json.mapper().convertValue(schema, Object.class));
            }
            default -> throw bad("text.format.type", "must be \"text\", \"json_object\" or \"json_schema\", got '" + type + "'");
        };
    }

    private static void item(List<Map<String, Object>> out, JsonNode it, String path) {
        if (!it.isObject()) throw bad(path, "must be an object");
        String type = it.path("type").asText("message");
        switch (type) {
            case "message" -> {
                String role = it.path("role").asText("");
                if (!List.of("user", "system", "developer", "assistant").contains(role)) throw bad(path + ".role", "must be user, system, developer or assistant");
                out.add(message(role, content(it.get("content"), path + ".content")));
            }
            case "function_call" -> {
                Map<String, Object> fn = new LinkedHashMap<>();
                fn.put("name", it.path("name").asText());
                fn.put("arguments", it.path("arguments").asText("{}"));
                Map<String, Object> call = new LinkedHashMap<>();
                call.put("id", it.path("call_id").asText());
                call.put("type", "function");
                call.put("function", fn);
                Map<String, Object> last = out.isEmpty() ? null : out.getLast();
                // consecutive calls belong to one assistant turn
                if (last == null || !"assistant".equals(last.get("role"))) {
                    last = message("assistant", null);
                    out.add(last);
                }
                @SuppressWarnings("unchecked")
                List<Object> calls = (List<Object>) last.computeIfAbsent("tool_calls", k -> new ArrayList<>());
                calls.add(call);
            }
            case "function_call_output" -> {
                JsonNode output = it.get("output");
                Map<String, Object> m = message("tool", output == null ? "" : output.isTextual() ? output.textValue() : content(output, path + ".output"));
                m.put("tool_call_id", it.path("call_id").asText());
                out.add(m);
            }
            case "reasoning" -> { /* earlier thinking: not shown to the template again */ }
            default -> throw bad(path + ".type", "'" + type + "' is not supported");
        }
    }

    /** A string or content parts (input_text / output_text / text) joined by newlines. */
    private static String content(JsonNode c, String path) {
        if (c == null || c.isNull()) return "";
        if (c.isTextual()) return c.textValue();
        if (!c.isArray()) throw bad(path, "must be a string or an array of content parts");
        StringBuilder sb = new StringBuilder();
        for (int i = 0; i < c.size(); i++) {
            String type = c.get(i).path("type").asText();
            if (type.equals("input_image")) {
                throw bad(path + "[" + i + "]", "is an image, but the model does not accept images (Hearth's built-in engine reads text only)");
            }
            if (!List.of("input_text", "output_text", "text").contains(type)) throw bad(path + "[" + i + "].type", "'" + type + "' is not supported: text parts only");
            if (!sb.isEmpty()) sb.append('\n');
            sb.append(c.get(i).path("text").asText());
        }
        return sb.toString();
    }

    private static List<Object> tools(JsonNode v) {
        if (v == null || v.isNull()) return null;
        if (!v.isArray()) throw bad("tools", "must be an array");
        List<Object> out = new ArrayList<>();
        for (int i = 0; i < v.size(); i++) {
            JsonNode t = v.get(i);
            if (!"function".equals(t.path("type").asText())) continue; // built-in tools (web search, ...) do not exist here
            Map<String, Object> fn = new LinkedHashMap<>();
            fn.put("name", t.path("name").asText());
            if (t.hasNonNull("description")) fn.put("description", t.get("description").asText());
            fn.put("parameters", t.hasNonNull("parameters") ? Json.mapper().convertValue(t.get("parameters"), Map.class) : Map.of("type", "object"));
            fn.put("strict", t.path("strict").asBoolean(true));
            out.add(Map.of("type", "function", "function", fn));
        }
        return out;
    }

    private static Map<String, Object> message(String role, String content) {
        Map<String, Object> m = new LinkedHashMap<>();
        m.put("role", role.equals("developer") ? "system" : role);
        m.put("content", content);
        return m;
    }

    private static Double number(JsonNode body, String field, double max) {
        JsonNode v = body.get(field);
        if (v == null || v.isNull()) return null;
        if (!v.isNumber() || v.asDouble() < 0 || v.asDouble() > max) throw bad(field, "must be a number between 0 and " + max);
        return v.asDouble();
    }

    private static ApiError bad(String param, String problem) {
        return ApiError.badRequest("'" + param + "' " + problem, param);
    }
}
