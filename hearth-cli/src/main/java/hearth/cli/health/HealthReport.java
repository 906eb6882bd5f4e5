package hearth.cli.health;

import java.util.List;
import java.util.Map;

/**
 * What {@code hearth health} found at one server.
 *
 * @param health    {@code ok}, {@code loading}, {@code draining}, {@code error} or {@code unreachable}
 * @param detail    the server's message or the connection error
 * @param latencyMs time of the health request
 * @param ready     {@code /readyz} status ({@code ready}, {@code loading}, ...) or {@code n/a} when the server has none
 * @param models    model ids from {@code /v1/models}; null when they could not be read ({@code modelsNote} says why)
 * @param metrics   key figures by label, in display order
 */
public record HealthReport(String url, String health, int httpStatus, String detail, long latencyMs, String ready,
                           List<String> models, String modelsNote, Map<String, String> metrics) {
    public boolean healthy() {
        return health.equals("ok");
    }
}
