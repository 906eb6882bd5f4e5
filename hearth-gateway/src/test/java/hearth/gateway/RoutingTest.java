package hearth.gateway;

import static org.assertj.core.api.Assertions.assertThat;

import hearth.gateway.GatewayConfig.TierConfig;
import hearth.gateway.testing.Client;
import hearth.gateway.testing.Configs;
import hearth.gateway.testing.MockUpstream;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/** Tiers by path prefix (stripped before forwarding), by model, and the merged model list. */
class RoutingTest {
    private MockUpstream fast;
    private MockUpstream reasoning;
    private MockUpstream image;
    private Gateway gateway;
    private Client client;

    @BeforeEach
    void start() throws Exception {
        fast = new MockUpstream("fast-1", "qwen-coder-14b");
        reasoning = new MockUpstream("reason-1", "or1-behemoth");
        image = new MockUpstream("image-1", "flux-schnell");
        GatewayConfig c = Configs.withFast(fast);
        c = Configs.withTier(c, "reasoning", reasoning);
        c = Configs.withTier(c, "image", image);
        gateway = new Gateway(c).start();
        client = new Client(gateway.baseUri());
    }

    @AfterEach
    void stop() {
        client.close();
        gateway.close();
        fast.close();
        reasoning.close();
        image.close();
    }

    @Test
    void prefixPicksTheTierAndIsStrippedBeforeForwarding() throws Exception {
        var r = client.post("/reasoning/v1/chat/completions?x=1", Client.chat("or1-behemoth", "hi", 3, false));
        assertThat(r.statusCode()).isEqualTo(200);
        assertThat(r.headers().firstValue("x-hearth-upstream")).hasValue("reason-1");
        assertThat(reasoning.paths()).containsExactly("/v1/chat/completions?x=1");
        var f = client.post("/v1/chat/completions", Client.chat("qwen-coder-14b", "hi", 3, false));
        assertThat(f.headers().firstValue("x-hearth-upstream")).hasValue("fast-1");
        assertThat(fast.paths()).containsExactly("/v1/chat/completions");
    }

    @Test
    void aRequestForAModelOfAnotherTierGoesToThatTier() throws Exception {
        var r = client.post("/v1/chat/completions", Client.chat("or1-behemoth", "hi", 3, false));
        assertThat(r.statusCode()).isEqualTo(200);
        assertThat(r.headers().firstValue("x-hearth-upstream")).hasValue("reason-1");
        assertThat(fast.requests()).isZero();
    }

    @Test
    void anUnknownModelStaysOnThePrefixTier() throws Exception {
        var r = client.post("/image/v1/completions", Client.chat("nobody-serves-this", "hi", 3, false));
        assertThat(r.headers().firstValue("x-hearth-upstream")).hasValue("image-1");
    }

    @Test
    void modelsAtTheGatewayMergeEveryTier() throws Exception {
        var r = client.get("/v1/models");
        assertThat(r.statusCode()).isEqualTo(200);
        var data = Client.json(r.body()).path("data");
        List<String> ids = new ArrayList<>();
        data.forEach(m -> ids.add(m.path("id").asText() + "@" + m.path("tier").asText()));
        assertThat(ids).containsExactlyInAnyOrder("qwen-coder-14b@fast", "or1-behemoth@reasoning", "flux-schnell@image");
    }

    @Test
    void aTierPrefixedModelListComesFromThatTierOnly() throws Exception {
        var r = client.get("/reasoning/v1/models");
        var data = Client.json(r.body()).path("data");
        assertThat(data).hasSize(1);
        assertThat(data.get(0).path("id").asText()).isEqualTo("or1-behemoth");
    }

    @Test
    void theBarePrefixWithoutSlashReachesTheTierRoot() throws Exception {
        var r = client.get("/reasoning");
        assertThat(r.headers().firstValue("x-hearth-upstream")).hasValue("reason-1");
        assertThat(reasoning.paths()).containsExactly("/");
    }

    @Test
    void anUpstreamErrorStatusOtherThanAServerFaultIsRelayedAsIs() throws Exception {
        var r = client.get("/reasoning/no/such/route");
        assertThat(r.statusCode()).isEqualTo(404);
        assertThat(Client.json(r.body()).path("error").path("message").asText()).contains("no route /no/such/route");
    }

    @Test
    void withoutAConfigTheStockTiersAreFastReasoningAndImage() {
        assertThat(GatewayConfig.defaults().tiers()).extracting(TierConfig::name, TierConfig::prefix)
                .containsExactly(org.assertj.core.groups.Tuple.tuple("fast", "/"),
                        org.assertj.core.groups.Tuple.tuple("reasoning", "/reasoning/"),
                        org.assertj.core.groups.Tuple.tuple("image", "/image/"));
    }
}
