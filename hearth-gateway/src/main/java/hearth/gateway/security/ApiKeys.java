package hearth.gateway.security;

import hearth.gateway.GatewayConfig.KeyConfig;
import hearth.gateway.proxy.ApiError;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.HashMap;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;

/**
 * Gateway API keys and the tiers each may use. Keys are looked up by their SHA-256, so the lookup time says
 * nothing about how much of a guessed key was right. With no keys configured every request passes.
 */
public final class ApiKeys {
    private final Map<String, KeyConfig> byDigest = new HashMap<>();

    public ApiKeys(List<KeyConfig> keys) {
        for (KeyConfig k : keys) byDigest.put(digest(k.key()), k);
    }

    public boolean enabled() {
        return !byDigest.isEmpty();
    }

    /**
     * The key presented as {@code Authorization: Bearer …} or {@code x-api-key}, checked against the tier;
     * null when keys are off.
     */
    public KeyConfig check(String authorization, String xApiKey, String tier) {
        if (!enabled()) return null;
        String token = bearer(authorization);
        if (token == null) token = xApiKey;
        if (token == null || token.isBlank())
            throw ApiError.unauthorized("missing API key: send 'Authorization: Bearer <key>'").exception();
        KeyConfig k = byDigest.get(digest(token.trim()));
        if (k == null) throw ApiError.unauthorized("invalid API key").exception();
        if (tier != null && !k.allows(tier)) throw ApiError.forbidden("API key '" + k.name() + "' may not use tier '" + tier + "'").exception();
        return k;
    }

    private static String bearer(String header) {
        if (header == null) return null;
        String h = header.trim();
        return h.regionMatches(true, 0, "Bearer ", 0, 7) ? h.substring(7).trim() : null;
    }

    private static String digest(String key) {
        try {
            MessageDigest md = MessageDigest.getInstance("SHA-256");
            return HexFormat.of().formatHex(md.digest(key.getBytes(StandardCharsets.UTF_8)));
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException(e);
        }
    }
}
