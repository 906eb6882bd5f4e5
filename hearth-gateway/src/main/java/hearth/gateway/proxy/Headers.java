package hearth.gateway.proxy;

import java.util.Locale;
import java.util.Set;

/** Which headers cross the gateway. Hop-by-hop headers (RFC 9110 §7.6.1) and credentials never do. */
final class Headers {
    private Headers() {}

    /** Not forwarded to the upstream: hop-by-hop, those the HTTP client sets itself, and the gateway key. */
    private static final Set<String> REQUEST_DROP = Set.of("connection", "keep-alive", "proxy-connection",
            "proxy-authorization", "te", "trailer", "transfer-encoding", "upgrade", "host", "content-length", "expect",
            "http2-settings", "accept-encoding");

    /** Not relayed to the client: hop-by-hop, framing, and Date (the front end writes its own). */
    private static final Set<String> RESPONSE_DROP = Set.of("connection", "keep-alive", "proxy-connection", "te",
            "trailer", "transfer-encoding", "upgrade", "content-length", "date", "server");

    /**
     * {@code authorization} and {@code x-api-key} reach the upstream only when the gateway checks no keys itself
     * (then they are the client's keys for the upstream) and the upstream has no key of its own.
     */
    static boolean forwardRequest(String name, boolean dropCredentials) {
        String n = name.toLowerCase(Locale.ROOT);
        if (REQUEST_DROP.contains(n)) return false;
        if (n.equals("authorization") || n.equals("x-api-key")) return !dropCredentials;
        return true;
    }

    static boolean relayResponse(String name) {
        String n = name.toLowerCase(Locale.ROOT);
        return !n.startsWith(":") && !RESPONSE_DROP.contains(n);
    }
}
