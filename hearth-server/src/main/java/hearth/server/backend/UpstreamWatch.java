package hearth.server.backend;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import hearth.server.backend.proxy.UpstreamClient;
import java.io.IOException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;

/**
 * Asks the engine for {@code /v1/models} every few seconds: whether it answers (readiness of a remote upstream)
 * and which models it lists (registry entries of router-mode servers).
 */
final class UpstreamWatch implements AutoCloseable {
    private static final ObjectMapper JSON = new ObjectMapper();

    private final UpstreamClient upstream;
    private final ScheduledExecutorService timer;
    private volatile boolean answering;
    private volatile List<String> models;

    UpstreamWatch(UpstreamClient upstream, List<String> initial, Duration interval) {
        this.upstream = upstream;
        this.models = List.copyOf(initial);
        this.timer = Executors.newSingleThreadScheduledExecutor(r -> Thread.ofPlatform().daemon().name("hearth-upstream-watch").unstarted(r));
        timer.scheduleWithFixedDelay(this::poll, 0, interval.toMillis(), TimeUnit.MILLISECONDS);
    }

    private void poll() {
        String body = upstream.get("/v1/models", Duration.ofSeconds(5));
        answering = body != null;
        if (body == null) return;
        try {
            List<String> ids = new ArrayList<>();
            for (JsonNode m : JSON.readTree(body).path("data")) {
                String id = m.path("id").asText("");
                if (!id.isEmpty()) ids.add(id);
            }
            if (!ids.isEmpty()) models = List.copyOf(ids);
        } catch (IOException e) {
            // an engine that answers something else than a model list still answers
        }
    }

    boolean answering() {
        return answering;
    }

    List<String> models() {
        return models;
    }

    @Override
    public void close() {
        timer.shutdownNow();
    }
}
