package hearth.server.http;

import io.javalin.http.Context;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.List;

/**
 * Bearer-token check. Keys are compared as SHA-256 digests with {@link MessageDigest#isEqual} (constant time, and
 * equal-length inputs so the key length does not leak), against every configured key without stopping early.
 */
public final class Auth {
    private final List<byte[]> digests;

    public Auth(List<String> keys) {
        this.digests = keys.stream().filter(k -> !k.isBlank()).map(k -> sha256(k.strip())).toList();
    }

    public boolean enabled() {
        return !digests.isEmpty();
    }

    /** Throws 401 unless the request carries {@code Authorization: Bearer <a configured key>}. */
    public void check(Context ctx) {
        if (!enabled()) return;
        String header = ctx.header("Authorization");
        String apiKey = ctx.header("x-api-key"); // Anthropic clients' header
        if ((header == null || header.isBlank()) && apiKey != null && !apiKey.isBlank()) {
            if (!accepts(apiKey.strip())) throw ApiError.unauthorized("invalid API key");
            return;
        }
        if (header == null || header.isBlank()) {
            throw ApiError.unauthorized("missing API key: send 'Authorization: Bearer <key>'");
        }
        if (!header.regionMatches(true, 0, "Bearer ", 0, 7)) {
            throw ApiError.unauthorized("the Authorization header must use the Bearer scheme");
        }
        if (!accepts(header.substring(7).strip())) throw ApiError.unauthorized("invalid API key");
    }

    public boolean accepts(String key) {
        byte[] given = sha256(key);
        boolean ok = false;
        for (byte[] d : digests) ok |= MessageDigest.isEqual(d, given);
        return ok;
    }

    private static byte[] sha256(String s) {
        try {
            return MessageDigest.getInstance("SHA-256").digest(s.getBytes(StandardCharsets.UTF_8));
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException(e);
        }
    }
}
