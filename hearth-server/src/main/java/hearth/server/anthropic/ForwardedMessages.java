package hearth.server.anthropic;

import com.fasterxml.jackson.databind.JsonNode;
import hearth.server.ServerConfig;
import hearth.server.backend.Backend;
import hearth.server.backend.ForwardingBackend;
import hearth.server.backend.proxy.UpstreamClient;
import hearth.server.http.ApiError;
import hearth.server.http.Bodies;
import hearth.server.http.Json;
import hearth.server.http.RequestLog;
import hearth.server.metrics.ServerMetrics;
import hearth.server.openai.GenerationOptions;
import hearth.server.openai.Ids;
import io.javalin.http.Context;
import java.io.IOException;
import java.io.InputStream;
import java.net.http.HttpResponse;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * {@code POST /v1/messages} in front of an OpenAI-compatible engine (llama-server, vLLM, SGLang, a remote OpenAI API):
 * the Anthropic request becomes a chat completion request (image blocks as {@code image_url} parts, tools, tool
 * choice, stop sequences), the engine's answer — whole or streamed — comes back as Anthropic's message or events.
 * A pinned engine is always asked for its own model; the name the client sent is echoed.
 */
public final class ForwardedMessages {
    private final ForwardingBackend backend;
    private final ServerConfig config;
    private final ServerMetrics metrics;

    public ForwardedMessages(ForwardingBackend backend, ServerConfig config, ServerMetrics metrics) {
        this.backend = backend;
        this.config = config;
        this.metrics = metrics;
    }

    public void handle(Context ctx) throws InterruptedException {
        MessagesRequest req = MessagesRequest.read(Json.parse(Bodies.read(ctx, config.maxBodyBytes())), false, true);
        if (backend.state() != Backend.State.READY) {
            throw ApiError.unavailable("the engine is not ready (" + backend.state().name().toLowerCase(java.util.Locale.ROOT) + ")"
                    + backend.failure().map(f -> ": " + f).orElse(""), "loading", 5);
        }
        String upstreamModel = backend.pinsModel() || req.model() == null ? backend.modelId() : req.model();
        RequestLog.Entry log = RequestLog.entry(ctx);
        log.model = upstreamModel;
        String id = Ids.next("msg_");
        long t0 = System.nanoTime();
        backend.inFlight().incrementAndGet();
        HttpResponse<InputStream> res;
        try {
            res = backend.upstream().postJson("/v1/chat/completions", Json.write(chatBody(req, upstreamModel)), ctx.ip());
        } catch (UpstreamClient.Unreachable e) {
            backend.inFlight().decrementAndGet();
            throw new ApiError(e.status(), ApiError.SERVER, e.getMessage(), null, "upstream_unavailable", Map.of("Retry-After", "5"));
        } catch (IOException e) {
            backend.inFlight().decrementAndGet();
            throw new ApiError(502, ApiError.SERVER, "the engine did not answer: " + e.getMessage(), null, "upstream_error", Map.of());
        }
        try (InputStream body = res.body()) {
            if (res.statusCode() != 200) throw refusal(res.statusCode(), body);
            UpstreamTurn turn = new UpstreamTurn(body, req.stream(), req.options().stop());
            MessageWriter.write(ctx, id, req.model() != null ? req.model() : upstreamModel, req.stream(), turn);
            log.promptTokens = turn.inputTokens();
            log.outputTokens = turn.outputTokens();
            metrics.generation(upstreamModel, Math.max(0, turn.inputTokens()), turn.outputTokens(), Double.NaN, (System.nanoTime() - t0) / 1e9);
        } catch (IOException e) {
            throw new ApiError(502, ApiError.SERVER, "the engine broke off its answer: " + e.getMessage(), null, "upstream_error", Map.of());
        } finally {
            backend.inFlight().decrementAndGet();
        }
    }

    /** The engine's error answer as an Anthropic error with the same status (5xx: the engine's fault, 502). */
    private static ApiError refusal(int status, InputStream body) throws IOException {
        byte[] bytes = body.readNBytes(1 << 16);
        String message;
        try {
            JsonNode e = Json.mapper().readTree(bytes).path("error");
            message = e.isTextual() ? e.asText() : e.path("message").asText("");
        } catch (IOException notJson) {
            message = new String(bytes, java.nio.charset.StandardCharsets.UTF_8);
        }
        if (message.isBlank()) message = "the engine answered " + status;
        if (status >= 500) return new ApiError(502, ApiError.SERVER, "the engine failed: " + message, null, "upstream_error", Map.of());
        return new ApiError(status, status == 404 ? ApiError.NOT_FOUND : ApiError.INVALID_REQUEST, message, null, null, Map.of());
    }

    /** The Anthropic request as an OpenAI chat completion body. */
    private Map<String, Object> chatBody(MessagesRequest req, String model) {
        GenerationOptions o = req.options();
        Map<String, Object> b = new LinkedHashMap<>();
        b.put("model", model);
        b.put("messages", req.messages());
        int max = o.maxTokens();
        if (config.maxNewTokens() > 0) max = Math.min(max, config.maxNewTokens());
        b.put("max_tokens", max);
        if (o.temperature() != null) b.put("temperature", o.temperature());
        if (o.topP() != null) b.put("top_p", o.topP());
        if (o.topK() != null) b.put("top_k", o.topK()); // llama-server, vLLM and SGLang take it; OpenAI's API does not know it
        if (!o.stop().isEmpty()) b.put("stop", o.stop());
        if (req.tools() != null && !req.tools().isEmpty()) {
            b.put("tools", req.tools());
            if (req.toolChoice() != null) {
                b.put("tool_choice", req.toolName() != null
                        ? Map.of("type", "function", "function", Map.of("name", req.toolName())) : req.toolChoice());
            }
            if (!req.parallelToolCalls()) b.put("parallel_tool_calls", false);
        }
        if (req.stream()) {
            b.put("stream", true);
            b.put("stream_options", Map.of("include_usage", true));
        }
        return b;
    }
}
