package hearth.bench;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpServer;
import java.io.IOException;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.Executors;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.locks.LockSupport;

/**
 * An OpenAI-compatible stand-in on 127.0.0.1 with known timing: after {@code ttftMs} it streams one token per
 * chunk at {@code tokensPerSecond} (on an absolute schedule, so sleeps that overshoot do not accumulate), for
 * {@code max_tokens} tokens. It can refuse with 429 every n-th request, demand an API key, stop early unless asked
 * for {@code ignore_eos}, omit {@code usage}, pack several tokens into a chunk, and be killed mid-stream. It counts
 * a "prefix cache hit" when a request's prompt starts with an earlier request's whole prompt.
 */
final class FakeOpenAiServer implements AutoCloseable {
    /** How the fake behaves; {@link #fast()} for a quick, well-behaved one. */
    record Behaviour(int ttftMs, double tokensPerSecond, int tokensPerChunk, boolean sendUsage, int stopsAfter,
                     boolean honoursIgnoreEos, String apiKey, int rateLimitEvery) {
        static Behaviour fast() {
            return new Behaviour(20, 200, 1, true, 0, true, null, 0);
        }

        Behaviour timing(int ttft, double tps) {
            return new Behaviour(ttft, tps, tokensPerChunk, sendUsage, stopsAfter, honoursIgnoreEos, apiKey, rateLimitEvery);
        }

        Behaviour key(String key) {
            return new Behaviour(ttftMs, tokensPerSecond, tokensPerChunk, sendUsage, stopsAfter, honoursIgnoreEos, key, rateLimitEvery);
        }

        Behaviour rateLimitEvery(int n) {
            return new Behaviour(ttftMs, tokensPerSecond, tokensPerChunk, sendUsage, stopsAfter, honoursIgnoreEos, apiKey, n);
        }

        Behaviour eosAfter(int n, boolean honoursIgnoreEos) {
            return new Behaviour(ttftMs, tokensPerSecond, tokensPerChunk, sendUsage, n, honoursIgnoreEos, apiKey, rateLimitEvery);
        }

        Behaviour chunks(int tokensPerChunk, boolean sendUsage) {
            return new Behaviour(ttftMs, tokensPerSecond, tokensPerChunk, sendUsage, stopsAfter, honoursIgnoreEos, apiKey, rateLimitEvery);
        }
    }

    private static final ObjectMapper JSON = new ObjectMapper();

    private final HttpServer server;
    private final Behaviour b;
    private final AtomicInteger generations = new AtomicInteger();
    private final AtomicInteger hits = new AtomicInteger();
    private final List<String> seenPrompts = new CopyOnWriteArrayList<>();
    final List<JsonNode> bodies = new CopyOnWriteArrayList<>();
    final AtomicInteger metricsScrapes = new AtomicInteger();

    private FakeOpenAiServer(Behaviour b) throws IOException {
        this.b = b;
        server = HttpServer.create(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0), 64);
        server.setExecutor(Executors.newVirtualThreadPerTaskExecutor());
        server.createContext("/v1/models", ex -> {
            if (authorized(ex)) json(ex, 200, "{\"object\":\"list\",\"data\":[{\"id\":\"fake-model\",\"object\":\"model\"}]}");
        });
        server.createContext("/v1/completions", ex -> generate(ex, false));
        server.createContext("/v1/chat/completions", ex -> generate(ex, true));
        server.createContext("/tokenize", this::tokenize);
        server.createContext("/metrics", this::metrics);
        server.start();
    }

    static FakeOpenAiServer start(Behaviour b) throws IOException {
        return new FakeOpenAiServer(b);
    }

    URI url() {
        return URI.create("http://127.0.0.1:" + server.getAddress().getPort());
    }

    /** Generation requests received (including refused ones). */
    int generations() {
        return generations.get();
    }

    private volatile int killAt;
    private volatile long killDelayMs;

    /** Kills the server {@code delayMs} after the {@code n}-th generation request arrives (so mid-stream of it). */
    void killAfter(int n, long delayMs) {
        killDelayMs = delayMs;
        killAt = n;
    }

    /** Stops listening and drops every open connection at once, like a killed process. */
    void kill() {
        server.stop(0);
    }

    @Override
    public void close() {
        server.stop(0);
    }

    private void generate(HttpExchange ex, boolean chat) throws IOException {
        long t0 = System.nanoTime();
        int n = generations.incrementAndGet();
        if (n == killAt) Thread.ofVirtual().start(() -> {
            LockSupport.parkNanos(killDelayMs * 1_000_000L);
            kill();
        });
        JsonNode body = JSON.readTree(ex.getRequestBody());
        bodies.add(body);
        if (!authorized(ex)) return;
        if (b.rateLimitEvery() > 0 && n % b.rateLimitEvery() == 0) {
            json(ex, 429, "{\"error\":{\"message\":\"Too many requests, retry later\",\"type\":\"rate_limit_error\"}}");
            return;
        }
        String prompt = chat ? messagesText(body.path("messages")) : body.path("prompt").asText();
        if (seenPrompts.stream().anyMatch(prompt::startsWith)) hits.incrementAndGet();
        seenPrompts.add(prompt);
        int tokens = body.path("max_tokens").asInt(16);
        boolean ignoreEos = body.path("ignore_eos").asBoolean(false) && b.honoursIgnoreEos();
        if (b.stopsAfter() > 0 && !ignoreEos) tokens = Math.min(tokens, b.stopsAfter());
        int promptTokens = words(prompt);
        if (!body.path("stream").asBoolean(false)) {
            sleepUntil(t0 + b.ttftMs() * 1_000_000L + (long) ((tokens - 1) / b.tokensPerSecond() * 1e9));
            ObjectNode r = JSON.createObjectNode().put("id", "cmpl-fake").put("object", chat ? "chat.completion" : "text_completion");
            ObjectNode c = r.putArray("choices").addObject().put("index", 0).put("finish_reason", "length");
            if (chat) c.putObject("message").put("role", "assistant").put("content", text(0, tokens));
            else c.put("text", text(0, tokens));
            r.putObject("usage").put("prompt_tokens", promptTokens).put("completion_tokens", tokens).put("total_tokens", promptTokens + tokens);
            json(ex, 200, r.toString());
            return;
        }
        ex.getResponseHeaders().add("Content-Type", "text/event-stream");
        ex.sendResponseHeaders(200, 0);
        try (OutputStream out = ex.getResponseBody()) {
            if (chat) event(out, chunk(true, null, null)); // role-only chunk at once: not a token
            int k = Math.max(1, b.tokensPerChunk());
            for (int first = 0; first < tokens; first += k) {
                int last = Math.min(tokens, first + k) - 1;
                sleepUntil(t0 + b.ttftMs() * 1_000_000L + (long) (last / b.tokensPerSecond() * 1e9));
                event(out, chunk(chat, text(first, last + 1), null));
            }
            event(out, chunk(chat, "", "length"));
            if (body.path("stream_options").path("include_usage").asBoolean(false) && b.sendUsage()) {
                ObjectNode u = JSON.createObjectNode().put("id", "cmpl-fake");
                u.putArray("choices");
                u.putObject("usage").put("prompt_tokens", promptTokens).put("completion_tokens", tokens).put("total_tokens", promptTokens + tokens);
                event(out, u.toString());
            }
            event(out, "[DONE]");
        } catch (IOException gone) {
            // the client went away or the server was killed
        }
    }

    /** Answers 401 and returns false when a key is required and the request lacks it. */
    private boolean authorized(HttpExchange ex) throws IOException {
        if (b.apiKey() == null || ("Bearer " + b.apiKey()).equals(ex.getRequestHeaders().getFirst("Authorization"))) return true;
        json(ex, 401, "{\"error\":{\"message\":\"Incorrect API key provided\",\"type\":\"invalid_request_error\",\"code\":\"invalid_api_key\"}}");
        return false;
    }

    private static String chunk(boolean chat, String text, String finish) {
        ObjectNode r = JSON.createObjectNode().put("id", "cmpl-fake").put("object", chat ? "chat.completion.chunk" : "text_completion");
        ObjectNode c = r.putArray("choices").addObject().put("index", 0);
        if (chat) {
            ObjectNode d = c.putObject("delta");
            if (text == null) d.put("role", "assistant").put("content", "");
            else d.put("content", text);
        } else {
            c.put("text", text == null ? "" : text);
        }
        if (finish != null) c.put("finish_reason", finish);
        else c.putNull("finish_reason");
        r.putNull("usage");
        return r.toString();
    }

    private static String text(int from, int to) {
        StringBuilder sb = new StringBuilder();
        for (int i = from; i < to; i++) sb.append(" tok").append(i);
        return sb.toString();
    }

    private static String messagesText(JsonNode ms) {
        StringBuilder sb = new StringBuilder();
        for (JsonNode m : ms) sb.append(m.path("role").asText()).append(": ").append(m.path("content").asText()).append('\n');
        return sb.toString();
    }

    private static int words(String s) {
        String t = s.strip();
        return t.isEmpty() ? 0 : t.split("\\s+").length;
    }

    private void tokenize(HttpExchange ex) throws IOException {
        JsonNode body = JSON.readTree(ex.getRequestBody());
        int n = words(body.path("content").asText(""));
        StringBuilder sb = new StringBuilder("{\"tokens\":[");
        for (int i = 0; i < n; i++) sb.append(i == 0 ? "" : ",").append(i);
        json(ex, 200, sb.append("]}").toString());
    }

    private void metrics(HttpExchange ex) throws IOException {
        metricsScrapes.incrementAndGet();
        String text = """
                # HELP fake_prefix_cache_queries Prefix-cache lookups
                # TYPE fake_prefix_cache_queries counter
                fake_prefix_cache_queries_total{model="fake-model"} %d
                # TYPE fake_prefix_cache_hits counter
                fake_prefix_cache_hits_total{model="fake-model"} %d
                """.formatted(seenPrompts.size(), hits.get());
        byte[] bytes = text.getBytes(StandardCharsets.UTF_8);
        ex.getResponseHeaders().add("Content-Type", "text/plain; version=0.0.4");
        ex.sendResponseHeaders(200, bytes.length);
        try (OutputStream out = ex.getResponseBody()) {
            out.write(bytes);
        }
    }

    private static void event(OutputStream out, String data) throws IOException {
        out.write(("data: " + data + "\n\n").getBytes(StandardCharsets.UTF_8));
        out.flush();
    }

    private static void json(HttpExchange ex, int status, String body) throws IOException {
        byte[] bytes = body.getBytes(StandardCharsets.UTF_8);
        ex.getResponseHeaders().add("Content-Type", "application/json");
        ex.sendResponseHeaders(status, bytes.length);
        try (OutputStream out = ex.getResponseBody()) {
            out.write(bytes);
        }
    }

    private static void sleepUntil(long nanos) {
        long left;
        while ((left = nanos - System.nanoTime()) > 0) LockSupport.parkNanos(left);
    }
}
