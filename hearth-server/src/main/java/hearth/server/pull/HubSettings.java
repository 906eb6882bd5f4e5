package hearth.server.pull;

import java.net.URI;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Map;
import java.util.Optional;

/**
 * Where and how to reach the hub, and where downloads go.
 *
 * <p>Cache directory (first that is set): {@code HEARTH_CACHE}, {@code HF_HUB_CACHE}, {@code HF_HOME/hub},
 * {@code ~/.cache/huggingface/hub}. The layout is the Hugging Face hub cache's ({@code models--OWNER--REPO/blobs},
 * {@code snapshots/COMMIT/...}, {@code refs/REVISION}), so files fetched by other hub tools are reused and the other
 * way round, and {@code hearth serve --models-dir} can point straight at it.
 *
 * @param endpoint     hub base URL ({@code HF_ENDPOINT}, default https://huggingface.co)
 * @param token        bearer token for gated or private repositories ({@code HF_TOKEN}, or {@code HUGGING_FACE_HUB_TOKEN})
 * @param cacheDir     hub-layout cache root
 * @param offline      {@code HF_HUB_OFFLINE=1}: never touch the network, use only the cache
 * @param connections  most HTTP connections open at once for one pull (files and chunks together)
 * @param minChunk     a file is split into ranges downloaded in parallel only when each range gets at least this many bytes
 * @param attempts     tries per range after a broken connection, and per file after a checksum mismatch
 * @param retryBackoff wait before the first retry; doubles each time
 * @param stallTimeout a connection that delivers no byte for this long is dropped and retried
 */
public record HubSettings(URI endpoint, Optional<String> token, Path cacheDir, boolean offline, int connections, long minChunk,
                          int attempts, Duration retryBackoff, Duration stallTimeout) {
    public static final URI DEFAULT_ENDPOINT = URI.create("https://huggingface.co");

    public HubSettings {
        if (connections < 1) throw new IllegalArgumentException("connections must be >= 1");
        if (minChunk < 1) throw new IllegalArgumentException("minChunk must be >= 1");
        if (attempts < 1) throw new IllegalArgumentException("attempts must be >= 1");
        String e = endpoint.toString();
        if (e.endsWith("/")) endpoint = URI.create(e.substring(0, e.length() - 1));
        token = token.filter(t -> !t.isBlank()).map(String::strip);
    }

    /** Settings from environment variables (see the class comment); {@code home} is the user's home directory. */
    public static HubSettings fromEnv(Map<String, String> env, Path home) {
        URI endpoint = Optional.ofNullable(env.get("HF_ENDPOINT")).filter(s -> !s.isBlank()).map(URI::create).orElse(DEFAULT_ENDPOINT);
        Optional<String> token = Optional.ofNullable(env.get("HF_TOKEN")).or(() -> Optional.ofNullable(env.get("HUGGING_FACE_HUB_TOKEN")));
        return new HubSettings(endpoint, token, cacheDir(env, home), truthy(env.get("HF_HUB_OFFLINE")), 4, 16L << 20, 4,
                Duration.ofMillis(500), Duration.ofSeconds(60));
    }

    public static HubSettings fromEnv() {
        return fromEnv(System.getenv(), Path.of(System.getProperty("user.home")));
    }

    static Path cacheDir(Map<String, String> env, Path home) {
        if (set(env, "HEARTH_CACHE")) return Path.of(env.get("HEARTH_CACHE"));
        if (set(env, "HF_HUB_CACHE")) return Path.of(env.get("HF_HUB_CACHE"));
        if (set(env, "HF_HOME")) return Path.of(env.get("HF_HOME")).resolve("hub");
        if (set(env, "XDG_CACHE_HOME")) return Path.of(env.get("XDG_CACHE_HOME")).resolve("huggingface").resolve("hub");
        return home.resolve(".cache").resolve("huggingface").resolve("hub");
    }

    private static boolean set(Map<String, String> env, String key) {
        String v = env.get(key);
        return v != null && !v.isBlank();
    }

    private static boolean truthy(String v) {
        return v != null && switch (v.strip().toLowerCase(java.util.Locale.ROOT)) {
            case "1", "true", "yes", "on" -> true;
            default -> false;
        };
    }

    public HubSettings withEndpoint(URI e) {
        return new HubSettings(e, token, cacheDir, offline, connections, minChunk, attempts, retryBackoff, stallTimeout);
    }

    public HubSettings withToken(String t) {
        return new HubSettings(endpoint, Optional.ofNullable(t), cacheDir, offline, connections, minChunk, attempts, retryBackoff, stallTimeout);
    }

    public HubSettings withCacheDir(Path d) {
        return new HubSettings(endpoint, token, d, offline, connections, minChunk, attempts, retryBackoff, stallTimeout);
    }

    public HubSettings withOffline(boolean o) {
        return new HubSettings(endpoint, token, cacheDir, o, connections, minChunk, attempts, retryBackoff, stallTimeout);
    }

    public HubSettings withConnections(int c) {
        return new HubSettings(endpoint, token, cacheDir, offline, c, minChunk, attempts, retryBackoff, stallTimeout);
    }

    public HubSettings withMinChunk(long bytes) {
        return new HubSettings(endpoint, token, cacheDir, offline, connections, bytes, attempts, retryBackoff, stallTimeout);
    }

    public HubSettings withRetries(int tries, Duration backoff) {
        return new HubSettings(endpoint, token, cacheDir, offline, connections, minChunk, tries, backoff, stallTimeout);
    }

    public HubSettings withStallTimeout(Duration d) {
        return new HubSettings(endpoint, token, cacheDir, offline, connections, minChunk, attempts, retryBackoff, d);
    }
}
