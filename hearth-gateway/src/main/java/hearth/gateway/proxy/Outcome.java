package hearth.gateway.proxy;

import hearth.gateway.health.HealthState;
import java.util.List;

/** How one attempt at one upstream ended. Only {@link Retry} leaves the client untouched. */
sealed interface Outcome {
    /** The upstream's answer, whatever its status, went to the client in full. */
    record Relayed(int status, long firstByteNanos) implements Outcome {}

    /**
     * Nothing was sent to the client, so another upstream may try. {@code failure} null means no health penalty
     * (e.g. 429 busy); {@code unavailable} means the upstream said 503. {@code response}, when the upstream did
     * answer, is relayed if no other attempt succeeds.
     */
    record Retry(HealthState.Failure failure, boolean unavailable, String reason, Buffered response) implements Outcome {}

    /** The upstream failed after the client got the first byte; the client got an error event or a cut connection. */
    record Broken(int status, String reason) implements Outcome {}

    /** The client went away; the upstream request was cancelled. */
    record ClientGone(int status) implements Outcome {}

    /** A complete, small upstream response kept in memory. */
    record Buffered(int status, List<String[]> headers, byte[] body) {}
}
