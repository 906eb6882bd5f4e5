package hearth.gateway.proxy;

import com.fasterxml.jackson.core.JsonFactory;
import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.core.JsonToken;
import hearth.gateway.GatewayConfig.AffinityConfig;
import java.io.IOException;
import java.nio.charset.StandardCharsets;

/**
 * Reads {@code model} and the conversation's identity from a JSON body in one streaming pass, without building a
 * tree. The identity is the affinity header when present, else a hash of the raw bytes of the first
 * {@code messages} chat messages (system prompt and first user turn: stable while the conversation grows), else of
 * the first {@value #PROMPT_PREFIX_BYTES} bytes of a completions {@code prompt}.
 */
public final class RequestInspector {
    static final int PROMPT_PREFIX_BYTES = 1024;
    private static final JsonFactory FACTORY = new JsonFactory();

    private final AffinityConfig affinity;

    public RequestInspector(AffinityConfig affinity) {
        this.affinity = affinity;
    }

    public String affinityHeader() {
        return affinity.header();
    }

    public RequestFacts inspect(String headerValue, byte[] body) {
        long key = headerValue != null && !headerValue.isEmpty() ? nonZero(hash(headerValue.getBytes(StandardCharsets.UTF_8), 0, -1)) : 0;
        if (body.length == 0 || firstNonSpace(body) != '{') return new RequestFacts(null, key);
        try (JsonParser p = FACTORY.createParser(body)) {
            return scan(p, body, key);
        } catch (IOException | RuntimeException malformed) {
            // not our business: the upstream answers malformed JSON with its own 400
            return new RequestFacts(null, key);
        }
    }

    private RequestFacts scan(JsonParser p, byte[] body, long key) throws IOException {
        String model = null;
        long conversation = 0;
        p.nextToken();
        while (p.nextToken() == JsonToken.FIELD_NAME) {
            String field = p.currentName();
            JsonToken t = p.nextToken();
            if ("model".equals(field) && t == JsonToken.VALUE_STRING) {
                model = p.getText();
            } else if ("messages".equals(field) && t == JsonToken.START_ARRAY && key == 0 && affinity.messages() > 0) {
                conversation = firstMessages(p, body);
            } else if ("prompt".equals(field) && t == JsonToken.VALUE_STRING && key == 0 && affinity.messages() > 0) {
                byte[] text = p.getText().getBytes(StandardCharsets.UTF_8);
                conversation = nonZero(hash(text, 0, Math.min(text.length, PROMPT_PREFIX_BYTES)));
            } else {
                p.skipChildren();
            }
        }
        return new RequestFacts(model, key != 0 ? key : conversation);
    }

    /** Hashes the raw JSON of the first messages; the parser is left after the array. */
    private long firstMessages(JsonParser p, byte[] body) throws IOException {
        long h = 0;
        int taken = 0;
        while (p.nextToken() != JsonToken.END_ARRAY) {
            if (taken < affinity.messages()) {
                int start = (int) p.currentTokenLocation().getByteOffset();
                p.skipChildren();
                int end = (int) p.currentLocation().getByteOffset();
                h = hash(body, start, end) ^ Long.rotateLeft(h, 17);
                taken++;
            } else {
                p.skipChildren();
            }
        }
        return taken == 0 ? 0 : nonZero(h);
    }

    private static int firstNonSpace(byte[] b) {
        for (byte x : b) if (x != ' ' && x != '\n' && x != '\r' && x != '\t') return x;
        return -1;
    }

    /** FNV-1a over {@code b[from, to)} ({@code to} -1: to the end). */
    static long hash(byte[] b, int from, int to) {
        int end = to < 0 ? b.length : Math.min(to, b.length);
        long h = 0xcbf29ce484222325L;
        for (int i = Math.max(0, from); i < end; i++) {
            h ^= b[i] & 0xff;
            h *= 0x100000001b3L;
        }
        return h;
    }

    private static long nonZero(long h) {
        return h == 0 ? 1 : h;
    }
}
