package hearth.server.anthropic;

import com.fasterxml.jackson.databind.JsonNode;
import hearth.server.http.ApiError;
import hearth.server.http.Json;
import hearth.server.openai.GenerationOptions;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * An Anthropic {@code POST /v1/messages} body, validated and mapped onto what the chat template reads: OpenAI-style
 * message maps (tool_use blocks → assistant {@code tool_calls}, tool_result blocks → {@code tool} messages, thinking
 * blocks → {@code reasoning_content}) and OpenAI-style tool objects (a tool's {@code strict: true} kept). Image blocks
 * become OpenAI {@code image_url} parts (a message's content is then a list of parts) where the engine takes images,
 * and a 400 where it does not (Hearth's own engine has no vision).
 *
 * @param toolChoice "auto", "none", "required" (Anthropic's "any" or "tool"), null when absent
 * @param toolName   the one tool Anthropic's {@code {"type":"tool","name":..}} forces
 */
record MessagesRequest(String model, List<Map<String, Object>> messages, List<Object> tools, String toolChoice,
                       String toolName, boolean parallelToolCalls, boolean stream, GenerationOptions options) {

    static MessagesRequest read(JsonNode body, boolean countOnly) {
        return read(body, countOnly, false);
    }

    /** @param images whether image blocks are taken (forwarded as image_url parts) or refused */
    static MessagesRequest read(JsonNode body, boolean countOnly, boolean images) {
        if (body == null || !body.isObject()) throw ApiError.badRequest("the request body must be a JSON object", null);
        String model = text(body, "model", true);
        Integer maxTokens = null;
        if (!countOnly) {
            JsonNode mt = body.get("max_tokens");
            if (mt == null || mt.isNull()) throw bad("max_tokens", "is required");
            if (!mt.isIntegralNumber() || mt.asLong() < 1) throw bad("max_tokens", "must be a positive integer");
            maxTokens = (int) Math.min(Integer.MAX_VALUE, mt.asLong());
        }
        List<Map<String, Object>> messages = new ArrayList<>();
        JsonNode system = body.get("system");
        if (system != null && !system.isNull()) messages.add(message("system", blocksText(system, "system")));
        JsonNode ms = body.get("messages");
        if (ms == null || !ms.isArray() || ms.isEmpty()) throw bad("messages", "must be a non-empty array of messages");
        for (int i = 0; i < ms.size(); i++) addMessage(messages, ms.get(i), "messages[" + i + "]", images);
        List<Object> tools = tools(body.get("tools"));
        String choice = null;
        String name = null;
        boolean parallel = true;
        JsonNode tc = body.get("tool_choice");
        if (tc != null && !tc.isNull()) {
            String type = text(tc, "type", false);
            choice = switch (type == null ? "" : type) {
                case "auto" -> "auto";
                case "none" -> "none";
                case "any" -> "required";
                case "tool" -> {
                    name = text(tc, "name", false);
                    if (name == null) throw bad("tool_choice.name", "is required for type 'tool'");
                    yield "required";
                }
                default -> throw bad("tool_choice.type", "must be auto, any, tool or none");
            };
            parallel = !tc.path("disable_parallel_tool_use").asBoolean(false);
        }
        List<String> stop = new ArrayList<>();
        JsonNode ss = body.get("stop_sequences");
        if (ss != null && !ss.isNull()) {
            if (!ss.isArray()) throw bad("stop_sequences", "must be an array of strings");
            for (JsonNode s : ss) {
                if (!s.isTextual() || s.textValue().isEmpty()) throw bad("stop_sequences", "must hold non-empty strings");
                stop.add(s.textValue());
            }
        }
        var o = new GenerationOptions(maxTokens, number(body, "temperature", 0, 1), number(body, "top_p", 0, 1),
                body.hasNonNull("top_k") ? number(body, "top_k", 0, Integer.MAX_VALUE).intValue() : null,
                null, null, stop, null, null, null, Map.of(), false, 0, 1, null, false);
        return new MessagesRequest(model, messages, tools, choice, name, parallel, body.path("stream").asBoolean(false), o);
    }

    boolean toolsEnabled() {
        return tools != null && !tools.isEmpty() && !"none".equals(toolChoice);
    }

    /** One Anthropic message as template messages: tool results first (they answer the previous turn), then the rest. */
    private static void addMessage(List<Map<String, Object>> out, JsonNode m, String path, boolean images) {
        if (!m.isObject()) throw bad(path, "must be an object");
        String role = text(m, "role", false);
        if (!"user".equals(role) && !"assistant".equals(role)) throw bad(path + ".role", "must be user or assistant");
        JsonNode content = m.get("content");
        if (content == null || content.isNull()) throw bad(path + ".content", "is required");
        if (content.isTextual()) {
            out.add(message(role, content.textValue()));
            return;
        }
        if (!content.isArray() || content.isEmpty()) throw bad(path + ".content", "must be a string or a non-empty array of content blocks");
        StringBuilder text = new StringBuilder();
        StringBuilder thinking = new StringBuilder();
        List<Object> calls = new ArrayList<>();
        List<Object> parts = new ArrayList<>();       // text and image parts in order, used when an image came
        List<Object> resultImages = new ArrayList<>(); // images inside tool results: an OpenAI tool message holds text only
        for (int i = 0; i < content.size(); i++) {
            JsonNode b = content.get(i);
            String bp = path + ".content[" + i + "]";
            String type = text(b, "type", false);
            switch (type == null ? "" : type) {
                case "text" -> {
                    append(text, text(b, "text", false));
                    parts.add(Map.of("type", "text", "text", java.util.Objects.toString(text(b, "text", false), "")));
                }
                case "image" -> {
                    if (!"user".equals(role)) throw bad(bp, "only user messages may hold images");
                    parts.add(image(b, bp, images));
                }
                case "thinking" -> append(thinking, text(b, "thinking", false));
                case "redacted_thinking" -> { /* opaque: nothing a local template can show */ }
                case "tool_use" -> {
                    Map<String, Object> fn = new LinkedHashMap<>();
                    fn.put("name", text(b, "name", false));
                    fn.put("arguments", Json.mapper().valueToTree(b.path("input").isMissingNode() ? Map.of() : b.get("input")).toString());
                    Map<String, Object> call = new LinkedHashMap<>();
                    call.put("id", text(b, "id", false));
                    call.put("type", "function");
                    call.put("function", fn);
                    calls.add(call);
                }
                case "tool_result" -> {
                    String resultText = "";
                    if (b.hasNonNull("content")) {
                        JsonNode rc = b.get("content");
                        if (rc.isArray()) {
                            for (int k = 0; k < rc.size(); k++) {
                                if ("image".equals(rc.get(k).path("type").asText())) resultImages.add(image(rc.get(k), bp + ".content[" + k + "]", images));
                            }
                        }
                        resultText = blocksText(rc, bp + ".content");
                    }
                    Map<String, Object> result = message("tool", resultText);
                    result.put("tool_call_id", text(b, "tool_use_id", false));
                    out.add(result);
                }
                default -> throw bad(bp + ".type", "'" + type + "' is not supported: this model reads text, image, thinking, tool_use and tool_result blocks");
            }
        }
        if (!resultImages.isEmpty()) {
            Map<String, Object> shown = new LinkedHashMap<>();
            shown.put("role", "user");
            shown.put("content", resultImages);
            out.add(shown);
        }
        boolean withImages = parts.stream().anyMatch(p -> "image_url".equals(((Map<?, ?>) p).get("type")));
        if (text.isEmpty() && thinking.isEmpty() && calls.isEmpty() && !withImages) return; // only tool results
        Map<String, Object> msg = message(role, text.isEmpty() && !calls.isEmpty() ? null : text.toString());
        if (withImages) msg.put("content", parts);
        if (!thinking.isEmpty()) msg.put("reasoning_content", thinking.toString());
        if (!calls.isEmpty()) msg.put("tool_calls", calls);
        out.add(msg);
    }

    private static Map<String, Object> message(String role, String content) {
        Map<String, Object> m = new LinkedHashMap<>();
        m.put("role", role);
        m.put("content", content);
        return m;
    }

    private static void append(StringBuilder sb, String s) {
        if (s == null) return;
        if (!sb.isEmpty()) sb.append('\n');
        sb.append(s);
    }

    /**
     * An image block ({@code source}: {@code {"type":"base64","media_type":..,"data":..}} or {@code {"type":"url","url":..}})
     * as an OpenAI {@code image_url} part (base64 as a data URL); a 400 naming the block when images are not taken.
     */
    private static Map<String, Object> image(JsonNode b, String path, boolean images) {
        if (!images) {
            throw bad(path, "the model does not accept images (Hearth's built-in engine reads text only; serve a vision model"
                    + " through a llama-server, vLLM or OpenAI backend to send images)");
        }
        JsonNode src = b.get("source");
        if (src == null || !src.isObject()) throw bad(path + ".source", "is required");
        String url = switch (src.path("type").asText("")) {
            case "base64" -> {
                String media = text(src, "media_type", false);
                String data = text(src, "data", false);
                if (media == null || !media.startsWith("image/")) throw bad(path + ".source.media_type", "must be an image type such as image/png");
                if (data == null || data.isEmpty()) throw bad(path + ".source.data", "is required");
                yield "data:" + media + ";base64," + data;
            }
            case "url" -> {
                String u = text(src, "url", false);
                if (u == null || u.isEmpty()) throw bad(path + ".source.url", "is required");
                yield u;
            }
            default -> throw bad(path + ".source.type", "must be base64 or url");
        };
        return Map.of("type", "image_url", "image_url", Map.of("url", url));
    }

    /** A string, or text blocks joined by newlines (image blocks, read separately, are skipped). */
    private static String blocksText(JsonNode v, String path) {
        if (v.isTextual()) return v.textValue();
        if (!v.isArray()) throw bad(path, "must be a string or an array of text blocks");
        StringBuilder sb = new StringBuilder();
        for (int i = 0; i < v.size(); i++) {
            if ("image".equals(v.get(i).path("type").asText())) continue;
            if (!"text".equals(v.get(i).path("type").asText())) throw bad(path + "[" + i + "].type", "must be 'text' or 'image'");
            append(sb, text(v.get(i), "text", false));
        }
        return sb.toString();
    }

    /** Anthropic tools ({@code name, description, input_schema}) as the OpenAI tool objects templates expect. */
    private static List<Object> tools(JsonNode v) {
        if (v == null || v.isNull()) return null;
        if (!v.isArray()) throw bad("tools", "must be an array of tools");
        List<Object> out = new ArrayList<>();
        for (int i = 0; i < v.size(); i++) {
            JsonNode t = v.get(i);
            String name = text(t, "name", false);
            if (name == null || name.isEmpty()) throw bad("tools[" + i + "].name", "is required");
            Map<String, Object> fn = new LinkedHashMap<>();
            fn.put("name", name);
            if (t.hasNonNull("description")) fn.put("description", t.get("description").asText());
            fn.put("parameters", t.hasNonNull("input_schema") ? Json.mapper().convertValue(t.get("input_schema"), Map.class) : Map.of("type", "object"));
            if (t.path("strict").asBoolean(false)) fn.put("strict", true);
            out.add(Map.of("type", "function", "function", fn));
        }
        return out;
    }

    private static String text(JsonNode node, String field, boolean optional) {
        JsonNode v = node.get(field);
        if (v == null || v.isNull()) return null;
        if (!v.isTextual()) throw bad(field, "must be a string");
        return v.textValue();
    }

    private static Double number(JsonNode node, String field, double min, double max) {
        JsonNode v = node.get(field);
        if (v == null || v.isNull()) return null;
        if (!v.isNumber() || v.asDouble() < min || v.asDouble() > max) throw bad(field, "must be a number between " + min + " and " + max);
        return v.asDouble();
    }

    private static ApiError bad(String param, String problem) {
        return ApiError.badRequest(param + ": " + problem, param);
    }
}
