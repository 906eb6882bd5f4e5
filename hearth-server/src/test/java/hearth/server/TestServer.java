package hearth.server;

import hearth.engine.Engine;
import hearth.engine.EngineConfig;
import hearth.engine.TestData;
import hearth.server.backend.Backend;
import hearth.server.backend.EmbeddedBackend;
import hearth.server.backend.MockEngine;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Path;
import java.time.Duration;

/** A server on 127.0.0.1 and a free port, over stories260K or the mock model, with a plain HTTP client. */
public final class TestServer implements AutoCloseable {
    public static final String STORIES = "models/stories260K.gguf";

    public final HearthServer server;
    public final HttpClient http = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5)).build();

    private TestServer(HearthServer server) {
        this.server = server.start();
    }

    /** stories260K with a 2048-token context and {@code parallel} slots; skips the test when the file is absent. */
    public static TestServer stories(ServerConfig cfg, int parallel) throws IOException {
        Path model = TestData.require(STORIES);
        Engine e = Engine.load(EngineConfig.of(model).withThreads(1).withContextSize(2048).withParallel(parallel));
        return new TestServer(new HearthServer(cfg, EmbeddedBackend.of(e.name(), e)));
    }

    public static TestServer mock(ServerConfig cfg, EngineConfig engine, double tps, long ttftMs) {
        return new TestServer(new HearthServer(cfg, EmbeddedBackend.of(MockEngine.MODEL_ID, MockEngine.create(engine, tps, ttftMs))));
    }

    public static EngineConfig mockConfig(int parallel, int queue, int ctx) {
        return EngineConfig.of(Path.of("mock")).withThreads(1).withParallel(parallel).withQueueSize(queue).withContextSize(ctx);
    }

    public static TestServer over(ServerConfig cfg, Backend backend) {
        return new TestServer(new HearthServer(cfg, backend));
    }

    /** Router mode over {@code router} (see {@link hearth.server.router.RouterModels}). */
    public static TestServer router(ServerConfig cfg, hearth.server.router.RouterModels.Factory router) {
        return new TestServer(new HearthServer(cfg, router));
    }

    public URI uri(String path) {
        return server.baseUri().resolve(path);
    }

    public HttpResponse<String> post(String path, String json, String... headers) {
        HttpRequest.Builder b = HttpRequest.newBuilder(uri(path)).timeout(Duration.ofSeconds(30))
                .POST(HttpRequest.BodyPublishers.ofString(json)).header("Content-Type", "application/json");
        if (headers.length > 0) b.headers(headers);
        return send(b.build());
    }

    public HttpResponse<String> postBytes(String path, byte[] body) {
        return send(HttpRequest.newBuilder(uri(path)).timeout(Duration.ofSeconds(30))
                .POST(HttpRequest.BodyPublishers.ofByteArray(body)).header("Content-Type", "application/json").build());
    }

    public HttpResponse<String> get(String path, String... headers) {
        HttpRequest.Builder b = HttpRequest.newBuilder(uri(path)).timeout(Duration.ofSeconds(30)).GET();
        if (headers.length > 0) b.headers(headers);
        return send(b.build());
    }

    public HttpResponse<String> send(HttpRequest request) {
        try {
            return http.send(request, HttpResponse.BodyHandlers.ofString());
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException(e);
        }
    }

    @Override
    public void close() {
        server.close();
        http.close();
    }
}
