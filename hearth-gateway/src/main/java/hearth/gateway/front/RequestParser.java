package hearth.gateway.front;

import java.io.EOFException;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;

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

    /** Index just past the blank line ending the head, or -1. */
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

    private static Head parse(ClientInput in, int endOfHead) throws BadRequest {
        String text = new String(in.buf, in.pos, endOfHead - in.pos, StandardCharsets.ISO_8859_1);
        in.pos = endOfHead;
        List<String> lines = lines(text);
        String requestLine = lines.getFirst();
        int sp1 = requestLine.indexOf(' ');
        int sp2 = requestLine.lastIndexOf(' ');
        if (sp1 <= 0 || sp2 == sp1) throw new BadRequest(400, "malformed request line");
        String method = requestLine.substring(0, sp1);
        String target = requestLine.substring(sp1 + 1, sp2);
        String version = requestLine.substring(sp2 + 1);
        if (!isToken(method)) throw new BadRequest(400, "malformed method in the request line");
        if (!version.startsWith("HTTP/1.") || version.length() != 8) {
            if (version.startsWith("HTTP/")) throw new BadRequest(505, "only HTTP/1.0 and HTTP/1.1 are served");
            throw new BadRequest(400, "malformed request line");
        }
        boolean http11 = version.charAt(7) != '0';
        if (target.isEmpty() || target.indexOf(' ') >= 0) throw new BadRequest(400, "malformed request target");
        String pathAndQuery = originForm(target);

        List<String[]> headers = new ArrayList<>(lines.size());
        String host = null, contentLength = null, transferEncoding = null, connection = null, expect = null;
        for (int i = 1; i < lines.size(); i++) {
            String line = lines.get(i);
            if (line.isEmpty()) continue;
            if (line.charAt(0) == ' ' || line.charAt(0) == '\t') throw new BadRequest(400, "folded header lines are not accepted");
            int colon = line.indexOf(':');
            if (colon <= 0 || !isToken(line.substring(0, colon))) throw new BadRequest(400, "malformed header line");
            String name = line.substring(0, colon);
            String value = line.substring(colon + 1).strip();
            headers.add(new String[] {name, value});
            switch (name.toLowerCase(Locale.ROOT)) {
                case "host" -> {
                    if (host != null) throw new BadRequest(400, "more than one Host header");
                    host = value;
                }
                case "content-length" -> {
                    if (contentLength != null && !contentLength.equals(value)) throw new BadRequest(400, "conflicting Content-Length headers");
                    contentLength = value;
                }
                case "transfer-encoding" -> transferEncoding = transferEncoding == null ? value : transferEncoding + "," + value;
                case "connection" -> connection = connection == null ? value : connection + "," + value;
                case "expect" -> expect = value;
                default -> {}
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
            try {
                length = Long.parseLong(contentLength);
            } catch (NumberFormatException e) {
                length = -1;
            }
            if (length < 0 || !contentLength.chars().allMatch(Character::isDigit)) throw new BadRequest(400, "malformed Content-Length");
        }
        String conn = connection == null ? "" : connection.toLowerCase(Locale.ROOT);
        boolean keepAlive = http11 ? !conn.contains("close") : conn.contains("keep-alive");
        boolean expectContinue = http11 && expect != null && expect.equalsIgnoreCase("100-continue");
        return new Head(method, pathAndQuery, http11, headers, host, length, chunked, keepAlive, expectContinue);
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

    private static List<String> lines(String text) {
        List<String> out = new ArrayList<>();
        int from = 0;
        while (from < text.length()) {
            int nl = text.indexOf('\n', from);
            if (nl < 0) nl = text.length();
            int to = nl > from && text.charAt(nl - 1) == '\r' ? nl - 1 : nl;
            out.add(text.substring(from, to));
            from = nl + 1;
        }
        return out;
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
