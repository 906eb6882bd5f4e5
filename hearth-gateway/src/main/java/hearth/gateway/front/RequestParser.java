package hearth.gateway.front;

import java.io.EOFException;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;

/**
 * Reads one HTTP/1.x request head (RFC 9112 §2-§6) from a client connection. Strict where leniency lets requests
 * be smuggled past a proxy: no whitespace before a header's colon, no folded lines, Content-Length and
 * Transfer-Encoding not both, one Content-Length value, chunked as the only transfer coding.
 */
public final class RequestParser {
    private RequestParser() {}

    /** A request the gateway must refuse before a handler sees it; the connection closes after the answer. */
    static final class BadRequest extends IOException {
        final int status;

        BadRequest(int status, String message) {
            super(message);
            this.status = status;
        }
    }

    /**
     * The next request's head, or null when the client closed the connection (or it timed out) between
     * requests. Everything after the head stays buffered in {@code in} for the body and later requests.
     */
    static Head read(ClientInput in, int maxHead) throws IOException {
        int scanned = 0;
        while (true) {
            Head head = buffered(in, maxHead, scanned);
            if (head != null) return head;
            scanned = in.available();
            boolean idle = scanned == 0;
            try {
                if (!in.fill()) {
                    if (idle) return null;
                    throw new EOFException("the client closed the connection inside a request head");
                }
            } catch (java.net.SocketTimeoutException e) {
                if (idle) return null;
                throw e;
            }
        }
    }

    /**
     * The next request's head when {@code in} holds all of it, else null (nothing is consumed but empty lines);
     * for a reader that must not wait. {@code scanned}: how many buffered bytes an earlier call already looked at
     * without finding the head's end, so that a head arriving in many small reads is not searched again each time.
     */
    static Head buffered(ClientInput in, int maxHead, int scanned) throws BadRequest {
        // empty lines before a request line are ignored (RFC 9112 §2.2)
        while (in.pos < in.end && (in.buf[in.pos] == '\r' || in.buf[in.pos] == '\n')) in.pos++;
        int endOfHead = endOfHead(in.buf, Math.max(in.pos, in.pos + scanned - 3), in.end);
        if (endOfHead >= 0) return parse(in, endOfHead);
        if (in.available() >= maxHead || (in.pos == 0 && in.end == in.buf.length))
            throw new BadRequest(431, "request head larger than " + maxHead + " bytes");
        return null;
    }

    /**
     * Where an HTTP/1 head in b[.., end) ends (just after its blank line, LF or CRLF), searching from {@code from}; -1
     * when it has not arrived whole. Request heads here, response heads on the event loops ({@code LoopAttempt}).
     */
    public static int endOfHead(byte[] b, int from, int end) {
        for (int i = from; i < end; i++) {
            if (b[i] != '\n') continue;
            if (i + 1 < end && b[i + 1] == '\n') return i + 2;
            if (i + 2 < end && b[i + 1] == '\r' && b[i + 2] == '\n') return i + 3;
        }
        return -1;
    }

    /**
     * Parses the head in {@code in.buf[in.pos, endOfHead)} from its bytes, line by line in place: the only strings made
     * are the method, target, and each header's name and value (a request costs a few hundred bytes of garbage on the
     * event loop, not a copy of the whole head and of every line).
     */
    private static Head parse(ClientInput in, int endOfHead) throws BadRequest {
        byte[] b = in.buf;
        int from = in.pos;
        in.pos = endOfHead;
        int nl = lineEnd(b, from, endOfHead), to = contentEnd(b, from, nl);
        int sp1 = indexOf(b, from, to, ' ');
        int sp2 = lastIndexOf(b, from, to, ' ');
        if (sp1 <= from || sp2 == sp1) throw new BadRequest(400, "malformed request line");
        String method = text(b, from, sp1);
        String target = text(b, sp1 + 1, sp2);
        String version = text(b, sp2 + 1, to);
        if (!isToken(method)) throw new BadRequest(400, "malformed method in the request line");
        if (!version.startsWith("HTTP/1.") || version.length() != 8) {
            if (version.startsWith("HTTP/")) throw new BadRequest(505, "only HTTP/1.0 and HTTP/1.1 are served");
            throw new BadRequest(400, "malformed request line");
        }
        boolean http11 = version.charAt(7) != '0';
        if (target.isEmpty() || target.indexOf(' ') >= 0) throw new BadRequest(400, "malformed request target");
        String pathAndQuery = originForm(target);

        List<String[]> headers = new ArrayList<>(8);
        String host = null, contentLength = null, transferEncoding = null, connection = null, expect = null;
        for (int start = nl + 1; start < endOfHead; start = nl + 1) {
            nl = lineEnd(b, start, endOfHead);
            int end = contentEnd(b, start, nl);
            if (end == start) continue;
            if (b[start] == ' ' || b[start] == '\t') throw new BadRequest(400, "folded header lines are not accepted");
            int colon = indexOf(b, start, end, ':');
            String name = colon > start ? text(b, start, colon) : "";
            if (!isToken(name)) throw new BadRequest(400, "malformed header line");
            String value = text(b, colon + 1, end).strip();
            headers.add(new String[] {name, value});
            if (name.equalsIgnoreCase("host")) {
                if (host != null) throw new BadRequest(400, "more than one Host header");
                host = value;
            } else if (name.equalsIgnoreCase("content-length")) {
                if (contentLength != null && !contentLength.equals(value)) throw new BadRequest(400, "conflicting Content-Length headers");
                contentLength = value;
            } else if (name.equalsIgnoreCase("transfer-encoding")) {
                transferEncoding = transferEncoding == null ? value : transferEncoding + "," + value;
            } else if (name.equalsIgnoreCase("connection")) {
                connection = connection == null ? value : connection + "," + value;
            } else if (name.equalsIgnoreCase("expect")) {
                expect = value;
            }
        }
        if (http11 && host == null) throw new BadRequest(400, "HTTP/1.1 request without a Host header");
        long length = 0;
        boolean chunked = false;
        if (transferEncoding != null) {
            if (contentLength != null) throw new BadRequest(400, "both Content-Length and Transfer-Encoding");
            if (!transferEncoding.strip().equalsIgnoreCase("chunked"))
                throw new BadRequest(501, "transfer coding '" + transferEncoding + "' is not supported (only chunked)");
            chunked = true;
            length = -1;
        } else if (contentLength != null) {
            length = digits(contentLength);
            if (length < 0) throw new BadRequest(400, "malformed Content-Length");
        }
        boolean keepAlive = http11 ? !containsIgnoreCase(connection, "close") : containsIgnoreCase(connection, "keep-alive");
        boolean expectContinue = http11 && expect != null && expect.equalsIgnoreCase("100-continue");
        return new Head(method, pathAndQuery, http11, headers, host, length, chunked, keepAlive, expectContinue);
    }

    /** Index of the line feed ending the line that starts at {@code from} (the head ends with one, so there is one). */
    private static int lineEnd(byte[] b, int from, int end) {
        int i = from;
        while (i < end && b[i] != '\n') i++;
        return i;
    }

    /** End of the line's content: before its line feed, and before a carriage return just ahead of it. */
    private static int contentEnd(byte[] b, int from, int nl) {
        return nl > from && b[nl - 1] == '\r' ? nl - 1 : nl;
    }

    private static int indexOf(byte[] b, int from, int to, char c) {
        for (int i = from; i < to; i++) if (b[i] == c) return i;
        return -1;
    }

    private static int lastIndexOf(byte[] b, int from, int to, char c) {
        for (int i = to - 1; i >= from; i--) if (b[i] == c) return i;
        return -1;
    }

    private static String text(byte[] b, int from, int to) {
        return new String(b, from, to - from, StandardCharsets.ISO_8859_1);
    }

    /** A Content-Length value as a number: ASCII digits only, at most Long.MAX_VALUE; -1 otherwise. */
    private static long digits(String s) {
        if (s.isEmpty()) return -1;
        long v = 0;
        for (int i = 0; i < s.length(); i++) {
            int d = s.charAt(i) - '0';
            if (d < 0 || d > 9 || v > (Long.MAX_VALUE - d) / 10) return -1;
            v = 10 * v + d;
        }
        return v;
    }

    /** Whether the comma-joined header values {@code s} (null: none) contain {@code word}, ignoring case. */
    private static boolean containsIgnoreCase(String s, String word) {
        if (s == null) return false;
        for (int i = 0; i + word.length() <= s.length(); i++) if (s.regionMatches(true, i, word, 0, word.length())) return true;
        return false;
    }

    /** The path and query of an origin-form or absolute-form target. */
    private static String originForm(String target) throws BadRequest {
        if (target.charAt(0) == '/') return target;
        int scheme = target.indexOf("://");
        if (scheme > 0) {
            int slash = target.indexOf('/', scheme + 3);
            return slash < 0 ? "/" : target.substring(slash);
        }
        throw new BadRequest(400, "unsupported request target: " + target);
    }

    private static boolean isToken(String s) {
        if (s.isEmpty()) return false;
        for (int i = 0; i < s.length(); i++) {
            char c = s.charAt(i);
            boolean ok = (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9')
                    || "!#$%&'*+-.^_`|~".indexOf(c) >= 0;
            if (!ok) return false;
        }
        return true;
    }

    /**
     * A parsed request head. {@code contentLength} is -1 for a chunked body, 0 when there is none.
     */
    record Head(String method, String pathAndQuery, boolean http11, List<String[]> headers, String host,
            long contentLength, boolean chunked, boolean keepAlive, boolean expectContinue) {}
}
