package hearth.gateway;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import com.fasterxml.jackson.dataformat.toml.TomlMapper;
import com.fasterxml.jackson.dataformat.yaml.YAMLMapper;
import hearth.gateway.GatewayConfig.AffinityConfig;
import hearth.gateway.GatewayConfig.HealthConfig;
import hearth.gateway.GatewayConfig.KeyConfig;
import hearth.gateway.GatewayConfig.ProxyConfig;
import hearth.gateway.GatewayConfig.RegistryConfig;
import hearth.gateway.GatewayConfig.StaticUpstream;
import hearth.gateway.GatewayConfig.TierConfig;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Locale;
import java.util.Set;
import java.util.function.Function;

/**
 * Binds a YAML or TOML tree to {@link GatewayConfig} by hand: every key is read by name, unknown keys are an
 * error naming their path (a typo must not silently fall back to a default). Keys may be written with
 * {@code _} or {@code -}. Secrets can come from the environment: {@code key_env}, {@code api_key_env}, {@code token_env}.
 */
final class ConfigReader {
    private ConfigReader() {}

    static GatewayConfig read(Path file) throws IOException {
        String name = file.getFileName().toString().toLowerCase(Locale.ROOT);
        ObjectMapper mapper = name.endsWith(".toml") ? new TomlMapper() : new YAMLMapper();
        JsonNode root;
        try {
            root = mapper.readTree(Files.readString(file));
        } catch (IOException e) {
            throw new IOException("cannot parse " + file + ": " + e.getMessage(), e);
        }
        if (root == null || root.isMissingNode() || root.isNull()) return GatewayConfig.defaults();
        try {
            return bind(new Fields(root, ""), file.toAbsolutePath().getParent());
        } catch (IllegalArgumentException e) {
            throw new IOException(file + ": " + e.getMessage(), e);
        }
    }

    static GatewayConfig bind(Fields f, Path baseDir) {
        GatewayConfig d = GatewayConfig.defaults();
        String host = f.string("host", d.host());
        int port = f.integer("port", d.port());
        boolean byModel = f.bool("route_by_model", d.routeByModel());
        RegistryConfig registry = f.object("registry").map(r -> registry(r, baseDir)).orElse(d.registry());
        HealthConfig health = f.object("health").map(ConfigReader::health).orElse(d.health());
        ProxyConfig proxy = f.object("proxy").map(p -> proxy(p, baseDir)).orElse(d.proxy());
        AffinityConfig affinity = affinity(f, d.affinity());
        List<TierConfig> tiers = f.has("tiers") ? f.list("tiers", ConfigReader::tier) : d.tiers();
        List<KeyConfig> keys = f.has("keys") ? f.list("keys", ConfigReader::key) : List.of();
        f.rejectUnknown();
        checkTiers(tiers);
        return new GatewayConfig(host, port, tiers, registry, health, proxy, affinity, keys, byModel);
    }

    private static RegistryConfig registry(Fields f, Path baseDir) {
        RegistryConfig d = RegistryConfig.defaults();
        String dir = f.string("dir", null);
        Path path = dir == null ? null : baseDir == null ? Path.of(dir) : baseDir.resolve(dir);
        var r = new RegistryConfig(path, f.duration("rescan", d.rescan()), f.duration("heartbeat_ttl", d.heartbeatTtl()),
                f.secret("token"), f.duration("http_ttl", d.httpTtl()));
        f.rejectUnknown();
        if (r.rescan().isZero() || r.rescan().compareTo(Duration.ofSeconds(5)) > 0)
            throw new IllegalArgumentException(f.path("rescan") + ": must be between 1ms and 5s");
        return r;
    }

    private static HealthConfig health(Fields f) {
        HealthConfig d = HealthConfig.defaults();
        var h = new HealthConfig(f.string("path", d.path()), f.duration("interval", d.interval()),
                f.duration("timeout", d.timeout()), f.integer("fall", d.fall()), f.integer("rise", d.rise()));
        f.rejectUnknown();
        if (h.fall() < 1 || h.rise() < 1) throw new IllegalArgumentException(f.path("fall") + "/rise: must be >= 1");
        return h;
    }

    private static ProxyConfig proxy(Fields f, Path baseDir) {
        ProxyConfig d = ProxyConfig.defaults();
        String ca = f.string("ca_file", null);
        var p = new ProxyConfig(f.duration("connect_timeout", d.connectTimeout()),
                f.duration("headers_timeout", d.headersTimeout()), f.duration("idle_timeout", d.idleTimeout()),
                f.integer("max_attempts", d.maxAttempts()), f.duration("queue_timeout", d.queueTimeout()),
                f.duration("retry_after", d.retryAfter()), f.duration("cooldown", d.cooldown()),
                f.duration("cooldown_max", d.cooldownMax()), f.size("max_body", d.maxBodyBytes()),
                f.size("response_buffer", d.responseBufferBytes()), f.integer("max_threads", d.maxThreads()),
                f.bool("virtual_threads", d.virtualThreads()), f.bool("relay_loop", d.relayLoop()),
                f.bool("short_slice", d.shortSlice()), f.integer("event_loops", d.eventLoops()),
                ca == null ? null : baseDir == null ? Path.of(ca) : baseDir.resolve(ca));
        f.rejectUnknown();
        if (p.maxAttempts() < 1) throw new IllegalArgumentException(f.path("max_attempts") + ": must be >= 1");
        if (p.eventLoops() < 0) throw new IllegalArgumentException(f.path("event_loops") + ": must be >= 0 (0: a thread per connection)");
        if (p.maxThreads() < 8) throw new IllegalArgumentException(f.path("max_threads") + ": must be >= 8");
        return p;
    }

    private static AffinityConfig affinity(Fields f, AffinityConfig d) {
        if (!f.has("affinity")) return d;
        if (f.node("affinity").isBoolean()) return f.bool("affinity", true) ? d : new AffinityConfig(null, 0, 0);
        Fields a = f.object("affinity").orElseThrow();
        var c = new AffinityConfig(a.string("header", d.header()), a.integer("messages", d.messages()),
                a.integer("max_imbalance", d.maxImbalance()));
        a.rejectUnknown();
        return c;
    }

    private static TierConfig tier(Fields f) {
        String name = f.required("name");
        String prefix = f.string("prefix", "/" + name + "/");
        if (!prefix.startsWith("/")) throw new IllegalArgumentException(f.path("prefix") + ": must start with '/'");
        if (!prefix.endsWith("/")) prefix = prefix + "/";
        var t = new TierConfig(name, prefix, f.strings("models"),
                f.has("upstreams") ? f.list("upstreams", ConfigReader::upstream) : List.of(),
                f.secret("upstream_api_key"), f.string("health_path", null));
        f.rejectUnknown();
        return t;
    }

    private static StaticUpstream upstream(Fields f) {
        String url = f.required("url");
        if (!url.startsWith("http://") && !url.startsWith("https://"))
            throw new IllegalArgumentException(f.path("url") + ": must start with http:// or https://");
        var u = new StaticUpstream(f.string("name", url), url, f.strings("models"), f.secret("api_key"),
                f.integer("max_concurrent", 0));
        f.rejectUnknown();
        return u;
    }

    private static KeyConfig key(Fields f) {
        String key = f.secret("key");
        if (key == null || key.isBlank()) throw new IllegalArgumentException(f.path("key") + ": required (or key_env)");
        String name = f.string("name", "key-" + Integer.toHexString(key.hashCode()));
        double rate = f.has("rate") ? Units.rate(f.node("rate").asText()) : 0;
        f.consume("rate");
        int burst = f.integer("burst", (int) Math.max(1, Math.ceil(rate)));
        var k = new KeyConfig(name, key, new LinkedHashSet<>(f.strings("tiers")), rate, burst);
        f.rejectUnknown();
        return k;
    }

    private static void checkTiers(List<TierConfig> tiers) {
        if (tiers.isEmpty()) throw new IllegalArgumentException("tiers: at least one tier is needed");
        Set<String> names = new HashSet<>();
        Set<String> prefixes = new HashSet<>();
        for (TierConfig t : tiers) {
            if (!names.add(t.name())) throw new IllegalArgumentException("tiers: name '" + t.name() + "' used twice");
            if (!prefixes.add(t.prefix()))
                throw new IllegalArgumentException("tiers: prefix '" + t.prefix() + "' used twice");
        }
    }

    /** An object node being read: remembers which keys were consumed so leftovers can be reported. */
    static final class Fields {
        private final JsonNode node;
        private final String at;
        private final Set<String> seen = new HashSet<>();

        Fields(JsonNode node, String at) {
            if (!(node instanceof ObjectNode)) throw new IllegalArgumentException((at.isEmpty() ? "top level" : at) + ": expected a table/map");
            this.node = node;
            this.at = at;
        }

        String path(String key) {
            return at.isEmpty() ? key : at + "." + key;
        }

        private String actual(String key) {
            if (node.has(key)) return key;
            String dashed = key.replace('_', '-');
            return node.has(dashed) ? dashed : key;
        }

        boolean has(String key) {
            return node.has(actual(key));
        }

        JsonNode node(String key) {
            String k = actual(key);
            seen.add(k);
            return node.get(k);
        }

        void consume(String key) {
            seen.add(actual(key));
        }

        String string(String key, String dflt) {
            if (!has(key)) return dflt;
            JsonNode v = node(key);
            if (v.isNull()) return dflt;
            if (!v.isValueNode()) throw new IllegalArgumentException(path(key) + ": expected a string");
            return v.asText();
        }

        String required(String key) {
            String v = string(key, null);
            if (v == null || v.isBlank()) throw new IllegalArgumentException(path(key) + ": required");
            return v;
        }

        /** {@code key} itself, or the environment variable named by {@code key_env}. */
        String secret(String key) {
            String direct = string(key, null);
            String env = string(key + "_env", null);
            if (direct != null) return direct;
            if (env == null) return null;
            String v = System.getenv(env);
            if (v == null) throw new IllegalArgumentException(path(key + "_env") + ": environment variable " + env + " is not set");
            return v;
        }

        int integer(String key, int dflt) {
            if (!has(key)) return dflt;
            JsonNode v = node(key);
            if (v.canConvertToInt()) return v.asInt();
            try {
                return Integer.parseInt(v.asText().trim());
            } catch (NumberFormatException e) {
                throw new IllegalArgumentException(path(key) + ": expected an integer, got '" + v.asText() + "'");
            }
        }

        boolean bool(String key, boolean dflt) {
            if (!has(key)) return dflt;
            JsonNode v = node(key);
            if (v.isBoolean()) return v.asBoolean();
            return switch (v.asText().trim().toLowerCase(Locale.ROOT)) {
                case "true", "yes", "on" -> true;
                case "false", "no", "off" -> false;
                default -> throw new IllegalArgumentException(path(key) + ": expected true or false");
            };
        }

        Duration duration(String key, Duration dflt) {
            if (!has(key)) return dflt;
            try {
                return Units.duration(node(key).asText());
            } catch (IllegalArgumentException e) {
                throw new IllegalArgumentException(path(key) + ": " + e.getMessage());
            }
        }

        long size(String key, long dflt) {
            if (!has(key)) return dflt;
            try {
                return Units.bytes(node(key).asText());
            } catch (IllegalArgumentException e) {
                throw new IllegalArgumentException(path(key) + ": " + e.getMessage());
            }
        }

        List<String> strings(String key) {
            if (!has(key)) return List.of();
            JsonNode v = node(key);
            if (!v.isArray()) throw new IllegalArgumentException(path(key) + ": expected a list of strings");
            List<String> out = new ArrayList<>();
            v.forEach(e -> out.add(e.asText()));
            return out;
        }

        java.util.Optional<Fields> object(String key) {
            if (!has(key)) return java.util.Optional.empty();
            return java.util.Optional.of(new Fields(node(key), path(key)));
        }

        <T> List<T> list(String key, Function<Fields, T> each) {
            JsonNode v = node(key);
            if (!v.isArray()) throw new IllegalArgumentException(path(key) + ": expected a list");
            List<T> out = new ArrayList<>();
            for (int i = 0; i < v.size(); i++) out.add(each.apply(new Fields(v.get(i), path(key) + "[" + i + "]")));
            return out;
        }

        void rejectUnknown() {
            var it = node.fieldNames();
            while (it.hasNext()) {
                String k = it.next();
                if (!seen.contains(k)) throw new IllegalArgumentException(path(k) + ": unknown setting");
            }
        }
    }
}
