package hearth.gateway.admin;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import hearth.gateway.proxy.ApiError;
import hearth.gateway.registry.Endpoint;
import hearth.gateway.registry.EndpointFile;
import hearth.gateway.registry.UpstreamRegistry;
import io.javalin.http.Context;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;

/**
 * {@code POST /registry} (an endpoint object; posting again is the heartbeat) and {@code DELETE /registry/{name}},
 * both with the registration token as {@code Authorization: Bearer …} or {@code X-Registry-Token}. Without a
 * configured token both answer 404: the HTTP registry is off.
 */
public final class RegistryHandler {
    private static final ObjectMapper JSON = new ObjectMapper();

    private final UpstreamRegistry registry;
    private final byte[] token;

    public RegistryHandler(UpstreamRegistry registry, String token) {
        this.registry = registry;
        this.token = token == null || token.isEmpty() ? null : token.getBytes(StandardCharsets.UTF_8);
    }

    public void register(Context ctx) {
        authorize(ctx);
        Endpoint e;
        try {
            e = EndpointFile.parse(ctx.bodyAsBytes(), Endpoint.Source.HTTP);
        } catch (EndpointFile.Invalid bad) {
            throw ApiError.invalidRequest("invalid endpoint: " + bad.getMessage(), null, "invalid_endpoint").exception();
        }
        Endpoint stored;
        try {
            stored = registry.register(e);
        } catch (IllegalArgumentException unknownTier) {
            throw ApiError.invalidRequest(unknownTier.getMessage(), "tier", "unknown_tier").exception();
        }
        String clash = registry.rejected().get(e.name() + " (http)");
        if (clash != null) throw ApiError.invalidRequest("'" + e.name() + "': " + clash, "name", "name_taken").exception();
        ObjectNode n = JSON.createObjectNode();
        n.put("name", stored.name());
        n.put("tier", stored.tier());
        n.put("url", stored.url().toString());
        n.put("ttl_s", registry.http().ttl().toSeconds());
        ctx.status(200).contentType("application/json").result(n.toString());
    }

    public void deregister(Context ctx) {
        authorize(ctx);
        String name = ctx.pathParam("name");
        if (!registry.deregister(name))
            throw ApiError.notFound("no HTTP registration named '" + name + "'", "unknown_endpoint").exception();
        ctx.status(204);
    }

    private void authorize(Context ctx) {
        if (token == null)
            throw ApiError.notFound("the HTTP registry is off: start the gateway with a registry token", "registry_disabled").exception();
        String presented = ctx.header("X-Registry-Token");
        String auth = ctx.header("Authorization");
        if (presented == null && auth != null && auth.regionMatches(true, 0, "Bearer ", 0, 7)) presented = auth.substring(7).trim();
        if (presented == null || !MessageDigest.isEqual(token, presented.getBytes(StandardCharsets.UTF_8)))
            throw ApiError.unauthorized("missing or wrong registry token").exception();
    }
}
