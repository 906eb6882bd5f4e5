package hearth.server.pull;

import java.nio.file.Path;
import java.time.Duration;
import java.util.Map;

/** Settings that point at a {@link FakeHub}, with a cache in a temp dir and fast retries. */
final class HubFixture {
    static final String COMMIT = "0123456789abcdef0123456789abcdef01234567";

    private HubFixture() {}

    static HubSettings settings(FakeHub hub, Path tmp) {
        return HubSettings.fromEnv(Map.of(), tmp).withEndpoint(hub.endpoint()).withCacheDir(tmp.resolve("cache"))
                .withRetries(3, Duration.ofMillis(5)).withStallTimeout(Duration.ofSeconds(5));
    }

    static PullResult pull(HubSettings s, String spec, PullListener rec) {
        try (Puller p = new Puller(s, rec)) {
            RepoRef ref = RepoRef.parse(spec, "main");
            return p.pull(ref, Selection.of(ref, java.util.List.of()));
        }
    }
}
