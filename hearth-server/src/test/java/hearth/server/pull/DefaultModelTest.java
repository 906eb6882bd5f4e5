package hearth.server.pull;

import static hearth.server.pull.HubFixture.COMMIT;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class DefaultModelTest {
    @TempDir
    Path tmp;

    @Test
    void theDefaultSpecNamesAQuantisationOfARepository() {
        RepoRef ref = RepoRef.parse(DefaultModel.SPEC, null);
        assertThat(ref.quant()).contains("Q4_K_M");
        assertThat(ref.repo()).isEqualTo("Qwen/Qwen2.5-0.5B-Instruct-GGUF");
    }

    @Test
    void theDefaultIsPulledOnceThenServedFromTheCacheEvenOffline() throws Exception {
        byte[] q4 = FakeHub.bytes(20_000, 1);
        try (FakeHub hub = new FakeHub()) {
            hub.repo("Qwen/Qwen2.5-0.5B-Instruct-GGUF", COMMIT, Map.of("qwen2.5-0.5b-instruct-q4_k_m.gguf", q4,
                    "qwen2.5-0.5b-instruct-q8_0.gguf", FakeHub.bytes(30_000, 2)), false);
            RepoRef ref = RepoRef.parse(DefaultModel.SPEC, null);
            Path first = DefaultModel.resolve(ref, HubFixture.settings(hub, tmp), PullListener.NONE);
            assertThat(Files.readAllBytes(first)).isEqualTo(q4);
            int requests = hub.hits.size();
            Path again = DefaultModel.resolve(ref, HubFixture.settings(hub, tmp).withOffline(true), PullListener.NONE);
            assertThat(again).isEqualTo(first);
            assertThat(hub.hits).hasSize(requests);
        }
    }

    @Test
    void withoutNetworkOrCacheTheErrorExplainsHowToPassAModel() throws Exception {
        try (FakeHub hub = new FakeHub()) {
            assertThatThrownBy(() -> DefaultModel.resolve(RepoRef.parse(DefaultModel.SPEC, null),
                    HubFixture.settings(hub, tmp).withOffline(true), PullListener.NONE))
                    .isInstanceOf(HubException.class)
                    .hasMessageStartingWith("no model was given (--model FILE or --models-dir DIR), so Hearth tried the default model "
                            + "Qwen/Qwen2.5-0.5B-Instruct-GGUF:Q4_K_M")
                    .hasMessageContaining("pass --model PATH");
        }
    }
}
