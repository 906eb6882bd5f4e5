package hearth.server;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.net.http.HttpResponse;
import java.util.List;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/** Bearer keys: every route but the health probes needs one of the configured keys. */
class AuthTest {
    private static final ObjectMapper JSON = new ObjectMapper();
    private static TestServer server;

    @BeforeAll
    static void start() {
        server = TestServer.mock(ServerConfig.defaults().withApiKeys(List.of("key-one", "key-two")),
                TestServer.mockConfig(1, 4, 256), 0, 0);
    }

    @AfterAll
    static void stop() {
        if (server != null) server.close();
    }

    private static void assertUnauthorized(HttpResponse<String> r) throws Exception {
        assertThat(r.statusCode()).isEqualTo(401);
        assertThat(r.headers().firstValue("WWW-Authenticate")).hasValue("Bearer");
        JsonNode e = JSON.readTree(r.body()).get("error");
        assertThat(e.get("type").asText()).isEqualTo("authentication_error");
        assertThat(e.get("code").asText()).isEqualTo("invalid_api_key");
    }

    @Test
    void requestsWithoutAKeyAreRefused() throws Exception {
        assertUnauthorized(server.get("/v1/models"));
        assertUnauthorized(server.post("/v1/completions", "{\"prompt\":\"a\"}"));
        assertUnauthorized(server.get("/metrics"));
        assertUnauthorized(server.post("/tokenize", "{\"content\":\"a\"}"));
    }

    @Test
    void aWrongKeyOrSchemeIsRefused() throws Exception {
        assertUnauthorized(server.get("/v1/models", "Authorization", "Bearer key-three"));
        assertUnauthorized(server.get("/v1/models", "Authorization", "Bearer key-on"));
        assertUnauthorized(server.get("/v1/models", "Authorization", "Basic a2V5LW9uZQ=="));
        assertUnauthorized(server.get("/v1/models", "Authorization", "key-one"));
    }

    @Test
    void everyConfiguredKeyIsAccepted() {
        assertThat(server.get("/v1/models", "Authorization", "Bearer key-one").statusCode()).isEqualTo(200);
        assertThat(server.get("/v1/models", "Authorization", "bearer key-two").statusCode()).isEqualTo(200);
        assertThat(server.post("/v1/completions", "{\"prompt\":\"a\",\"max_tokens\":1}", "Authorization", "Bearer key-two")
                .statusCode()).isEqualTo(200);
    }

    @Test
    void healthProbesNeedNoKey() {
        assertThat(server.get("/health").statusCode()).isEqualTo(200);
        assertThat(server.get("/healthz").statusCode()).isEqualTo(200);
        assertThat(server.get("/readyz").statusCode()).isEqualTo(200);
    }
}
