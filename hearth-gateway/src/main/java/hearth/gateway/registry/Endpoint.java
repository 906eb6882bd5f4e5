package hearth.gateway.registry;

import java.net.URI;
import java.time.Instant;
import java.util.List;

/**
 * One serving process as the gateway knows it: where it is, which tier it belongs to, which models it serves
 * (empty = whatever is asked, like a router-mode server), and, for registered ones, when it last said it was alive.
 *
 * @param apiKey       bearer token the gateway sends to this upstream (null: none)
 * @param maxConcurrent requests at once (0: unlimited), e.g. llama-server's {@code --parallel}
 */
public record Endpoint(
        String name,
        String tier,
        URI url,
        List<String> models,
        String jobId,
        Instant started,
        Instant heartbeat,
        Source source,
        String apiKey,
        int maxConcurrent) {

    public Endpoint {
        models = List.copyOf(models);
    }

    /** Where an endpoint came from; static ones never expire. */
    public enum Source {
        CONFIG,
        FILE,
        HTTP;

        public String label() {
            return name().toLowerCase(java.util.Locale.ROOT);
        }
    }

    public Endpoint withApiKey(String key) {
        return new Endpoint(name, tier, url, models, jobId, started, heartbeat, source, key, maxConcurrent);
    }

    /** True when nothing that affects routing differs (heartbeat and started may). */
    public boolean sameTarget(Endpoint o) {
        return o != null && url.equals(o.url) && tier.equals(o.tier);
    }
}
