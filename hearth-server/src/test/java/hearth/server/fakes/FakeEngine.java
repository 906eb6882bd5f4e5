package hearth.server.fakes;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpServer;
import java.io.IOException;
import java.io.OutputStream;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.Executors;

/**
 * Plays llama-server, {@code vllm serve} and the SGLang launcher on their command line and HTTP contract:
 * {@code --host}/{@code --port}, the model id from {@code --alias}/{@code --served-model-name}, a 503
 * "Loading model" phase on {@code /health}, {@code /v1/models}, chat and text completions (JSON or SSE),
 * {@code /metrics}, image generation and edits; SIGTERM ends it after {@code FAKE_STOP_MS}. SGLang's
 * {@code --nnodes}/{@code --node-rank}/{@code --dist-init-addr} as {@link FakeSglangRank} describes.
 *
 * <p>Knobs (environment): {@code FAKE_DIR} (records: {@code starts.log} gets "NAME PID ARGS" per start,
 * {@code term-NAME} is written on SIGTERM; the file {@code unhealthy} there turns /health to 503),
 * {@code FAKE_LOAD_MS} (loading time, default 200), {@code FAKE_CRASH_STARTS} (the first N starts crash
 * {@code FAKE_CRASH_MS} after start, default 300), {@code FAKE_TOKENS}, {@code FAKE_TOKEN_MS} (stream shape),
 * {@code FAKE_STOP_MS} (time to stop on SIGTERM), {@code FAKE_IGNORE_TERM} (never stop on SIGTERM).
 */
public final class FakeEngine {
    static final ObjectMapper JSON = new ObjectMapper();

    final String program;
    final List<String> args;
    final Map<String, String> knobs;
    final Path dir;
    final long started = System.nanoTime();
    final long loadMs;
    /** What the last request carried, and how many streams lost their client (for in-process tests). */
    public volatile String lastAuthorization;
    public volatile JsonNode lastBody;
    public volatile String lastContentType;
    public final java.util.concurrent.atomic.AtomicInteger clientsGone = new java.util.concurrent.atomic.AtomicInteger();
    private HttpServer server;
    /** SGLang over several nodes: rank 0 is loading until the other ranks have joined ({@link FakeSglangRank}). */
    java.util.function.BooleanSupplier peersJoined = () -> true;
    String model = "fake-model";
    String host = "127.0.0.1";
    int port = 8080;

    FakeEngine(String program, List<String> args, Map<String, String> knobs) {
        this.program = program;
        this.args = args;
        this.knobs = knobs;
        this.loadMs = env("FAKE_LOAD_MS", 200);
        String d = knobs.get("FAKE_DIR");
        this.dir = d == null ? null : Path.of(d);
        for (int i = 0; i < args.size() - 1; i++) {
            String a = args.get(i);
            String v = args.get(i + 1);
            switch (a) {
                case "--host" -> host = v;
                case "--port" -> port = Integer.parseInt(v);
                case "--alias", "--served-model-name" -> model = v;
                case "--model", "--model-path" -> { if (model.equals("fake-model")) model = Path.of(v).getFileName().toString(); }
                case "serve" -> { if (!v.startsWith("-") && model.equals("fake-model")) model = v; }
                default -> { }
            }
        }
    }

    public static void main(String[] argv) throws Exception {
        FakeEngine e = new FakeEngine(argv[0], List.of(argv).subList(1, argv.length), System.getenv());
        int start = e.record();
        int rank = FakeSglangRank.intFlag(e.args, "--node-rank", 0);
        String dist = FakeSglangRank.distInitAddr(e.args);
        if (rank > 0) {
            Runtime.getRuntime().addShutdownHook(new Thread(() -> System.out.println(e.program + " rank " + rank + ": terminating")));
            FakeSglangRank.join(rank, dist);
            return;
        }
        if (dist != null) {
            int others = FakeSglangRank.intFlag(e.args, "--nnodes", 1) - 1;
            var joined = FakeSglangRank.listen(dist);
            e.peersJoined = () -> joined.get() >= others;
        }
        e.serve(start);
    }

    /** A stand-in in this JVM on 127.0.0.1 and a free port (no loading phase unless FAKE_LOAD_MS says so). */
    public static FakeEngine inProcess(String program, String model, Map<String, String> knobs) throws IOException {
        Map<String, String> k = new java.util.HashMap<>(knobs);
        k.putIfAbsent("FAKE_LOAD_MS", "0");
        FakeEngine e = new FakeEngine(program, List.of("--host", "127.0.0.1", "--port", "0", "--alias", model), k);
        e.listen();
        return e;
    }

    public int port() {
        return server.getAddress().getPort();
    }

    public void close() {
        server.stop(0);
    }

    long env(String name, long fallback) {
        String v = knobs.get(name);
        return v == null || v.isBlank() ? fallback : Long.parseLong(v.strip());
    }

    /** Appends this start to starts.log; returns how many starts of this program there were before. */
    int record() throws IOException {
        if (dir == null) return 0;
        Path log = dir.resolve("starts.log");
        int before = Files.exists(log) ? (int) Files.readAllLines(log).stream().filter(l -> l.startsWith(program + " ")).count() : 0;
        Files.writeString(log, program + " " + ProcessHandle.current().pid() + " " + String.join(" ", args) + "\n",
                StandardOpenOption.CREATE, StandardOpenOption.APPEND);
        return before;
    }

    private void listen() throws IOException {
        server = HttpServer.create(new InetSocketAddress(host, port), 64);
        server.setExecutor(Executors.newVirtualThreadPerTaskExecutor());
        server.createContext("/", this::route);
        server.start();
    }

    void serve(int startNumber) throws Exception {
        System.out.println(program + ": loading model " + model + " on " + host + ":" + port);
        listen();
        Runtime.getRuntime().addShutdownHook(new Thread(() -> {
            System.out.println(program + ": received SIGTERM, shutting down");
            try {
                if (dir != null) Files.writeString(dir.resolve("term-" + program), "TERM\n");
                if (knobs.get("FAKE_IGNORE_TERM") != null) Thread.sleep(600_000);
                Thread.sleep(env("FAKE_STOP_MS", 0));
            } catch (IOException | InterruptedException ignored) {
                // exiting anyway
            }
        }));
        if (startNumber < env("FAKE_CRASH_STARTS", 0)) {
            Thread.sleep(env("FAKE_CRASH_MS", 300));
            System.out.println(program + ": GGML_ASSERT failed: simulated crash");
            Runtime.getRuntime().halt(134);
        }
        Thread.sleep(loadMs);
        System.out.println(program + ": model loaded, server is listening on http://" + host + ":" + port);
        Thread.sleep(Long.MAX_VALUE);
    }

    boolean loading() {
        return (System.nanoTime() - started) / 1_000_000 < loadMs || (dir != null && Files.exists(dir.resolve("unhealthy")))
                || !peersJoined.getAsBoolean();
    }

    void route(HttpExchange ex) throws IOException {
        try (ex) {
            String path = ex.getRequestURI().getPath();
            byte[] body = ex.getRequestBody().readAllBytes();
            lastAuthorization = ex.getRequestHeaders().getFirst("Authorization");
            lastContentType = ex.getRequestHeaders().getFirst("Content-Type");
            if (path.startsWith("/v1/") && body.length > 0 && lastContentType != null && lastContentType.contains("json")) {
                lastBody = JSON.readTree(body);
            }
            if (path.equals("/health")) {
                if (loading()) send(ex, 503, "{\"error\":{\"code\":503,\"message\":\"Loading model\",\"type\":\"unavailable_error\"}}");
                else send(ex, 200, "{\"status\":\"ok\"}");
            } else if (loading()) {
                send(ex, 503, "{\"error\":{\"code\":503,\"message\":\"Loading model\",\"type\":\"unavailable_error\"}}");
            } else if (path.equals("/v1/models")) {
                send(ex, 200, "{\"object\":\"list\",\"data\":[{\"id\":\"" + model + "\",\"object\":\"model\",\"owned_by\":\"" + program + "\"}]}");
            } else if (path.equals("/metrics")) {
                send(ex, 200, "llamacpp:requests_processing 0\nllamacpp:prompt_tokens_total 7\n");
            } else if (path.equals("/v1/chat/completions") || path.equals("/v1/completions")) {
                completion(ex, path.endsWith("chat/completions"), JSON.readTree(body));
            } else if (path.equals("/v1/images/generations")) {
                images(ex, JSON.readTree(body));
            } else if (path.equals("/v1/images/edits")) {
                edits(ex, body);
            } else {
                send(ex, 404, "{\"error\":{\"code\":404,\"message\":\"File Not Found\",\"type\":\"not_found_error\"}}");
            }
        } catch (RuntimeException e) {
            send(ex, 500, "{\"error\":{\"message\":\"" + e + "\"}}");
        }
    }

    void completion(HttpExchange ex, boolean chat, JsonNode req) throws IOException {
        int tokens = (int) env("FAKE_TOKENS", 5);
        long tokenMs = env("FAKE_TOKEN_MS", 10);
        String auth = ex.getRequestHeaders().getFirst("Authorization");
        if (req.path("stream").asBoolean(false)) {
            ex.getResponseHeaders().set("Content-Type", "text/event-stream");
            ex.sendResponseHeaders(200, 0);
            OutputStream out = ex.getResponseBody();
            try {
                for (int i = 0; i < tokens; i++) {
                    ObjectNode chunk = JSON.createObjectNode().put("id", "fake-1").put("object", chat ? "chat.completion.chunk" : "text_completion")
                            .put("model", model);
                    ObjectNode choice = chunk.putArray("choices").addObject().put("index", 0);
                    if (chat) choice.putObject("delta").put("content", "tok" + i + " ");
                    else choice.put("text", "tok" + i + " ");
                    choice.putNull("finish_reason");
                    out.write(("data: " + chunk + "\n\n").getBytes(StandardCharsets.UTF_8));
                    out.flush();
                    Thread.sleep(tokenMs);
                }
                if (req.path("stream_options").path("include_usage").asBoolean(false)) {
                    ObjectNode usage = JSON.createObjectNode().put("id", "fake-1").put("model", model);
                    usage.putArray("choices");
                    usage.putObject("usage").put("prompt_tokens", 11).put("completion_tokens", tokens).put("total_tokens", 11 + tokens);
                    out.write(("data: " + usage + "\n\n").getBytes(StandardCharsets.UTF_8));
                }
                out.write("data: [DONE]\n\n".getBytes(StandardCharsets.UTF_8));
                out.flush();
            } catch (IOException | InterruptedException gone) {
                clientsGone.incrementAndGet();
                System.out.println(program + ": client went away, generation cancelled");
            }
            return;
        }
        ObjectNode r = JSON.createObjectNode().put("id", "fake-1").put("object", chat ? "chat.completion" : "text_completion")
                .put("created", 1).put("model", model);
        ObjectNode choice = r.putArray("choices").addObject().put("index", 0).put("finish_reason", "stop");
        String text = "Hello from " + program;
        if (chat) choice.putObject("message").put("role", "assistant").put("content", text);
        else choice.put("text", text);
        r.putObject("usage").put("prompt_tokens", 3).put("completion_tokens", 4).put("total_tokens", 7);
        r.putObject("x_fake").put("authorization", auth == null ? "" : auth).put("request_model", req.path("model").asText())
                .put("max_tokens", req.path("max_tokens").asInt(-1));
        send(ex, 200, r.toString());
    }

    void images(HttpExchange ex, JsonNode req) throws IOException {
        ObjectNode r = JSON.createObjectNode().put("created", 1);
        ArrayNode data = r.putArray("data");
        for (int i = 0; i < req.path("n").asInt(1); i++) data.addObject().put("b64_json", "iVBORw0KGgo=");
        r.set("x_fake_request", req);
        send(ex, 200, r.toString());
    }

    void edits(HttpExchange ex, byte[] body) throws IOException {
        String type = ex.getRequestHeaders().getFirst("Content-Type");
        String text = new String(body, StandardCharsets.ISO_8859_1);
        List<String> names = new ArrayList<>();
        java.util.regex.Matcher m = java.util.regex.Pattern.compile("(?<![a-z])name=\"([^\"]*)\"").matcher(text);
        while (m.find()) names.add(m.group(1));
        ObjectNode r = JSON.createObjectNode().put("created", 1);
        r.putArray("data").addObject().put("b64_json", "iVBORw0KGgo=");
        r.putObject("x_fake_request").put("content_type", type == null ? "" : type).put("bytes", body.length)
                .set("fields", JSON.valueToTree(names));
        send(ex, 200, r.toString());
    }

    static void send(HttpExchange ex, int status, String body) throws IOException {
        byte[] b = body.getBytes(StandardCharsets.UTF_8);
        ex.getResponseHeaders().set("Content-Type", "application/json");
        ex.sendResponseHeaders(status, b.length);
        ex.getResponseBody().write(b);
    }
}
