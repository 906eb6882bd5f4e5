package hearth.server;

import static hearth.server.backend.EngineFixture.await;
import static org.assertj.core.api.Assertions.assertThat;

import hearth.server.backend.Backend;
import hearth.server.backend.EngineFixture;
import hearth.server.backend.ProcessBackend;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Map;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Hearth over a supervised child engine (a stand-in llama-server process): readiness, forwarding, restart, stop. */
class ProcessBackendTest {
    @TempDir Path dir;
    TestServer hearth;

    @AfterEach
    void stop() {
        if (hearth != null) hearth.close();
    }

    @Test
    void hearthIsReadyWhenTheEngineIsAndStaysUpWhileItRestarts() throws Exception {
        EngineFixture f = new EngineFixture(dir, Map.of("FAKE_LOAD_MS", "300"));
        ProcessBackend backend = new ProcessBackend("fake-model", true, f.plan("llama-server", Map.of()), EngineFixture.quick(),
                Duration.ofSeconds(30), Duration.ofSeconds(5));
        hearth = TestServer.over(ServerConfig.defaults(), backend);
        backend.start();
        HttpResponse<String> early = hearth.get("/health");
        assertThat(early.statusCode()).isEqualTo(503);
        assertThat(early.body()).contains("Loading model");
        assertThat(hearth.post("/v1/chat/completions", "{\"messages\":[]}").statusCode()).isEqualTo(503);
        assertThat(await(() -> hearth.get("/readyz").statusCode() == 200, Duration.ofSeconds(30))).isTrue();

        HttpResponse<String> chat = hearth.post("/v1/chat/completions", "{\"messages\":[{\"role\":\"user\",\"content\":\"hi\"}]}");
        assertThat(chat.statusCode()).isEqualTo(200);
        assertThat(chat.body()).contains("Hello from llama-server", "\"request_model\":\"fake-model\"");

        ProcessHandle.of(f.pidOf("llama-server", 0)).orElseThrow().destroyForcibly();
        assertThat(await(() -> hearth.get("/readyz").statusCode() == 503, Duration.ofSeconds(5))).isTrue();
        assertThat(hearth.get("/health").body()).contains("llama-server exited");
        assertThat(hearth.get("/healthz").statusCode()).isEqualTo(200);
        assertThat(await(() -> hearth.get("/readyz").statusCode() == 200, Duration.ofSeconds(30))).isTrue();
        assertThat(hearth.get("/metrics").body()).contains("hearth_engine_restarts_total{model=\"fake-model\",upstream=\"http://127.0.0.1:"
                + f.enginePort + "\"} 1.0");

        long second = f.pidOf("llama-server", 1);
        hearth.close();
        hearth = null;
        assertThat(backend.state()).isEqualTo(Backend.State.CLOSED);
        assertThat(ProcessHandle.of(second).map(ProcessHandle::isAlive).orElse(false)).isFalse();
        assertThat(Files.readString(dir.resolve("term-llama-server"))).isEqualTo("TERM\n");
    }

    @Test
    void aKilledRpcWorkerMakesHearthUnreadyUntilTheWholeSetIsBack() throws Exception {
        EngineFixture f = new EngineFixture(dir, Map.of("FAKE_LOAD_MS", "200"));
        int rpcPort = EngineFixture.freePort();
        ProcessBackend backend = new ProcessBackend("fake-model", true, f.plan("llama-server", Map.of("nodelist", "node0,127.0.0.1",
                "rpc-workers", "slurm", "rpc-port", Integer.toString(rpcPort))), EngineFixture.quick(), Duration.ofSeconds(30),
                Duration.ofSeconds(5));
        hearth = TestServer.over(ServerConfig.defaults(), backend);
        backend.start();
        assertThat(await(() -> hearth.get("/readyz").statusCode() == 200, Duration.ofSeconds(30))).isTrue();

        ProcessHandle.of(f.pidOf("rpc-server", 0)).orElseThrow().destroyForcibly();
        assertThat(await(() -> hearth.get("/readyz").statusCode() == 503, Duration.ofSeconds(5))).isTrue();
        HttpResponse<String> refused = hearth.post("/v1/chat/completions", "{\"messages\":[{\"role\":\"user\",\"content\":\"hi\"}]}");
        assertThat(refused.statusCode()).isEqualTo(503);
        assertThat(refused.headers().firstValue("Retry-After")).isPresent();
        assertThat(hearth.get("/health").body()).contains("rpc-server 127.0.0.1:" + rpcPort);
        assertThat(hearth.get("/healthz").statusCode()).isEqualTo(200);

        assertThat(await(() -> hearth.get("/readyz").statusCode() == 200, Duration.ofSeconds(30))).isTrue();
        assertThat(f.starts()).extracting(l -> l.split(" ")[0]).containsExactly("rpc-server", "llama-server", "rpc-server", "llama-server");
        assertThat(hearth.post("/v1/chat/completions", "{\"messages\":[{\"role\":\"user\",\"content\":\"hi\"}]}").statusCode()).isEqualTo(200);
    }
}
