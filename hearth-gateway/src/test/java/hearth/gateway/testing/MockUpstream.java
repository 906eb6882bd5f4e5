package hearth.gateway.testing;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
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
import java.util.Map;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.Executors;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * A small OpenAI-compatible server for tests and the benchmark: {@code /v1/chat/completions} and
 * {@code /v1/completions} (JSON or SSE with a configurable delay between tokens), {@code /v1/models},
 * {@code /health} (503 while draining or loading). It counts what it served and how many streams lost their client.
 * Run as a process with {@code main} for kill -9 tests and the benchmark.
 */
public final class MockUpstream implements AutoCloseable {
    private static final ObjectMapper JSON = new ObjectMapper();

    private final String name;
    private final List<String> models;
    private final HttpServer server;
    private volatile int tokens = 8;
    private volatile long tokenDelayMillis = 0;
    private volatile long headerDelayMillis = 0;
    private volatile boolean draining;
    private volatile int failStatus;
    private final AtomicInteger requests = new AtomicInteger();
    private final AtomicInteger completedStreams = new AtomicInteger();
    private final AtomicInteger cancelledStreams = new AtomicInteger();
    private final AtomicInteger activeStreams = new AtomicInteger();
    private final AtomicInteger healthChecks = new AtomicInteger();
    private final List<Map<String, List<String>>> requestHeaders = new CopyOnWriteArrayList<>();
    private final List<String> paths = new CopyOnWriteArrayList<>();

    public MockUpstream(String name, String... models) throws IOException {
        this(name, 0, models);
    }

    public MockUpstream(String name, int port, String... models) throws IOException {
        this.name = name;
        this.models = List.of(models);
        this.server = HttpServer.create(new InetSocketAddress(InetAddress.getLoopbackAddress(), port), 256);
        server.setExecutor(Executors.newVirtualThreadPerTaskExecutor());
        server.createContext("/", this::handle);
        server.start();
    }

    public String name() {
        return name;
    }

    public List<String> models() {
        return models;
    }

    public int port() {
        return server.getAddress().getPort();
    }

    public URI url() {
        return URI.create("http://127.0.0.1:" + port());
    }

    public MockUpstream tokens(int n) {
        tokens = n;
        return this;
    }

    public MockUpstream tokenDelayMillis(long ms) {
        tokenDelayMillis = ms;
        return this;
    }

    /** Delay before the status line (a long prefill). */
    public MockUpstream headerDelayMillis(long ms) {
        headerDelayMillis = ms;
        return this;
    }

    /** 503 on everything, including {@code /health}, like a server loading a model or draining. */
    public MockUpstream draining(boolean on) {
        draining = on;
        return this;
    }

    /** Answer completions with this status (0: normally). */
    public MockUpstream failWith(int status) {
        failStatus = status;
        return this;
    }

    public int requests() {
        return requests.get();
    }

    public int completedStreams() {
        return completedStreams.get();
    }

    public int cancelledStreams() {
        return cancelledStreams.get();
    }

    public int activeStreams() {
        return activeStreams.get();
    }

    public int healthChecks() {
        return healthChecks.get();
    }

    public List<Map<String, List<String>>> requestHeaders() {
        return requestHeaders;
    }

    public List<String> paths() {
        return paths;
    }

    private void handle(HttpExchange ex) throws IOException {
        try (ex) {
            String path = ex.getRequestURI().getPath();
            if (path.equals("/health") || path.equals("/readyz")) {
                healthChecks.incrementAndGet();
                if (draining) send(ex, 503, "{\"error\":{\"message\":\"Loading model\",\"type\":\"unavailable_error\",\"code\":503}}");
                else send(ex, 200, "{\"status\":\"ok\"}");
                return;
            }
            if (path.equals("/v1/models")) { // not counted: the gateway asks for it on its own, also while draining
                if (draining) send(ex, 503, "{\"error\":{\"message\":\"draining\",\"type\":\"server_error\"}}");
                else send(ex, 200, modelList());
                return;
            }
            requests.incrementAndGet();
            paths.add(ex.getRequestURI().toString());
            requestHeaders.add(Map.copyOf(ex.getRequestHeaders()));
            byte[] body = ex.getRequestBody().readAllBytes();
            if (draining) {
                send(ex, 503, "{\"error\":{\"message\":\"draining\",\"type\":\"server_error\"}}");
            } else if (path.endsWith("/completions")) {
                complete(ex, body, path.endsWith("/chat/completions"));
            } else {
                send(ex, 404, "{\"error\":{\"message\":\"no route " + path + "\",\"type\":\"not_found_error\"}}");
            }
        }
    }

    private void complete(HttpExchange ex, byte[] body, boolean chat) throws IOException {
        if (failStatus != 0) {
            send(ex, failStatus, "{\"error\":{\"message\":\"mock failure\",\"type\":\"server_error\"}}");
            return;
        }
        JsonNode req = body.length == 0 ? JSON.createObjectNode() : JSON.readTree(body);
        int n = req.path("max_tokens").asInt(tokens);
        long delay = req.path("mock_token_delay_ms").asLong(tokenDelayMillis);
        String model = req.path("model").asText(models.isEmpty() ? "mock" : models.get(0));
        sleep(headerDelayMillis);
        if (req.path("stream").asBoolean(false)) stream(ex, n, model, chat, delay);
        else send(ex, 200, whole(n, model, chat));
    }

    private void stream(HttpExchange ex, int n, String model, boolean chat, long delay) throws IOException {
        ex.getResponseHeaders().add("Content-Type", "text/event-stream");
        ex.getResponseHeaders().add("Cache-Control", "no-cache");
        ex.sendResponseHeaders(200, 0);
        activeStreams.incrementAndGet();
        try {
            OutputStream out = ex.getResponseBody();
            for (int i = 0; i < n; i++) {
                if (i > 0) sleep(delay);
                out.write(("data: " + chunk(i, model, chat) + "\n\n").getBytes(StandardCharsets.UTF_8));
                out.flush();
            }
            out.write("data: [DONE]\n\n".getBytes(StandardCharsets.US_ASCII));
            out.flush();
            completedStreams.incrementAndGet();
        } catch (IOException clientGone) {
            cancelledStreams.incrementAndGet();
            throw clientGone;
        } finally {
            activeStreams.decrementAndGet();
        }
    }

    private String chunk(int i, String model, boolean chat) {
        ObjectNode c = JSON.createObjectNode();
        c.put("id", "chatcmpl-" + name);
        c.put("object", chat ? "chat.completion.chunk" : "text_completion");
        c.put("model", model);
        c.put("system_fingerprint", name);
        ObjectNode choice = c.putArray("choices").addObject();
        choice.put("index", 0);
        if (chat) choice.putObject("delta").put("content", "t" + i + " ");
        else choice.put("text", "t" + i + " ");
        choice.putNull("finish_reason");
        return c.toString();
    }

    private String whole(int n, String model, boolean chat) {
        StringBuilder text = new StringBuilder();
        for (int i = 0; i < n; i++) text.append("t").append(i).append(' ');
        ObjectNode c = JSON.createObjectNode();
        c.put("id", "chatcmpl-" + name);
        c.put("object", chat ? "chat.completion" : "text_completion");
        c.put("model", model);
        c.put("system_fingerprint", name);
        ObjectNode choice = c.putArray("choices").addObject();
        choice.put("index", 0);
        if (chat) choice.putObject("message").put("role", "assistant").put("content", text.toString());
        else choice.put("text", text.toString());
        choice.put("finish_reason", "length");
        c.putObject("usage").put("prompt_tokens", 1).put("completion_tokens", n).put("total_tokens", n + 1);
        return c.toString();
    }

    private String modelList() {
        ObjectNode root = JSON.createObjectNode();
        root.put("object", "list");
        ArrayNode data = root.putArray("data");
        for (String m : models) data.addObject().put("id", m).put("object", "model").put("owned_by", name);
        return root.toString();
    }

    private static void send(HttpExchange ex, int status, String json) throws IOException {
        byte[] b = json.getBytes(StandardCharsets.UTF_8);
        ex.getResponseHeaders().add("Content-Type", "application/json");
        ex.sendResponseHeaders(status, b.length);
        ex.getResponseBody().write(b);
    }

    private static void sleep(long ms) {
        if (ms <= 0) return;
        try {
            Thread.sleep(ms);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    /** Stops at once: the listener closes and open connections, streams included, are cut. */
    public void kill() {
        server.stop(0); // closes the sockets of open exchanges too, so streams break mid-body
    }

    @Override
    public void close() {
        kill();
    }

    /** {@code MockUpstream NAME PORT TOKENS DELAY_MS [MODEL...]}: prints {@code LISTENING <port>} when ready. */
    public static void main(String[] args) throws Exception {
        String[] models = args.length > 4 ? java.util.Arrays.copyOfRange(args, 4, args.length) : new String[0];
        MockUpstream m = new MockUpstream(args[0], Integer.parseInt(args[1]), models);
        m.tokens(Integer.parseInt(args[2])).tokenDelayMillis(Long.parseLong(args[3]));
        System.out.println("LISTENING " + m.port());
        System.out.flush();
        Thread.currentThread().join();
    }
}
