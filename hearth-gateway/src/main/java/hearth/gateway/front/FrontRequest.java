package hearth.gateway.front;

import java.io.ByteArrayInputStream;
import java.io.InputStream;
import java.util.List;

/**
 * A client's request as the front end parsed it: the head, and the body as a stream (read it before answering,
 * or the connection closes after the answer instead of serving another request).
 */
public final class FrontRequest {
    private final RequestParser.Head head;
    private final InputStream body;
    private final RequestBody streamed; // null when the body was read off the connection before the request was made
    private final String remoteAddress;

    FrontRequest(RequestParser.Head head, RequestBody body, String remoteAddress) {
        this.head = head;
        this.body = body;
        this.streamed = body;
        this.remoteAddress = remoteAddress;
    }

    /** A request whose whole body has already been read off the connection. */
    FrontRequest(RequestParser.Head head, byte[] body, String remoteAddress) {
        this.head = head;
        this.body = new ByteArrayInputStream(body);
        this.streamed = null;
        this.remoteAddress = remoteAddress;
    }

    public String method() {
        return head.method();
    }

    /** The request target in origin form, as received (not decoded). */
    public String pathAndQuery() {
        return head.pathAndQuery();
    }

    public String path() {
        String t = head.pathAndQuery();
        int q = t.indexOf('?');
        return q < 0 ? t : t.substring(0, q);
    }

    /** The query string without its '?', or null. */
    public String query() {
        String t = head.pathAndQuery();
        int q = t.indexOf('?');
        return q < 0 ? null : t.substring(q + 1);
    }

    /** Header name/value pairs in the order received. */
    public List<String[]> headers() {
        return head.headers();
    }

    /** The first value of a header, by case-insensitive name, or null. */
    public String header(String name) {
        for (String[] h : head.headers()) if (h[0].equalsIgnoreCase(name)) return h[1];
        return null;
    }

    public String host() {
        return head.host();
    }

    /** The declared body length: 0 without a body, -1 for a chunked body of unknown length. */
    public long contentLength() {
        return head.contentLength();
    }

    public InputStream body() {
        return body;
    }

    public String remoteAddress() {
        return remoteAddress;
    }

    boolean bodyConsumed() {
        return streamed == null || streamed.consumed();
    }

    boolean keepAlive() {
        return head.keepAlive();
    }

    boolean http11() {
        return head.http11();
    }
}
