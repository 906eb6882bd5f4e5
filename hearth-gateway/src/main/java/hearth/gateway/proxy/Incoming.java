package hearth.gateway.proxy;

import java.util.List;

/**
 * A client request as it will be forwarded: the path with the tier prefix already stripped, the headers as
 * received (filtered when sent), and the whole body (kept so another upstream can be tried).
 *
 * @param gatewayAuth the gateway checked a key of its own, so the client's credentials stay here
 */
record Incoming(
        String method,
        String pathAndQuery,
        String prefix,
        List<String[]> headers,
        byte[] body,
        boolean gatewayAuth,
        String clientAddress,
        String scheme,
        String host) {}
