package hearth.gateway.front;

import java.io.IOException;
import java.io.OutputStream;
import java.nio.ByteBuffer;
import java.nio.channels.SocketChannel;
import java.time.Instant;
import java.time.ZoneOffset;
import java.time.ZonedDateTime;
import java.time.format.DateTimeFormatter;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Locale;
import java.util.function.BooleanSupplier;

/**
 * The response to one client request, written straight to the client's socket: each {@link #write} is one
 * socket write carrying the head (the first time), the chunk framing and the data, so an SSE event leaves in one
 * write(2) as soon as it is written. The framing is chosen at the first write: a {@code Content-Length} header
 * the caller set, the whole body when the first write is also the last, else chunked (HTTP/1.1) or the end of
 * the connection (HTTP/1.0). A failed write means the client left ({@link ClientGone}).
 */
public final class ResponseWriter {
    /** A write to the client failed: the client has gone. */
    public static final class ClientGone extends IOException {
        ClientGone(IOException cause) {
            super("client gone: " + cause.getMessage(), cause);
        }
    }

    private enum Framing { LENGTH, CHUNKED, CLOSE }

    private final OutputStream out;
    private final boolean http11;
    private final boolean headOnly;
    private final BooleanSupplier mayKeepAlive;
    private final SocketChannel channel;
    private int status = 200;
    private final List<String[]> headers = new ArrayList<>(12);
    private boolean committed;
    private boolean done;
    private boolean failed;
    private boolean keepAlive;
    private Framing framing;
    private long declaredLength = -1;
    private long written;
    private byte[] kept; // the response's last bytes, sent by complete() with its end
    private int keptOff;
    private int keptLen;
    private byte[] scratch;
    private final ArrayView frameView = new ArrayView();

    /**
     * @param mayKeepAlive asked when the head goes out: whether the connection can serve another request after
     *     this one (the client did not ask to close, and its request body has been read: unread bytes would be
     *     taken for the next request)
     */
    ResponseWriter(OutputStream out, boolean http11, boolean headOnly, BooleanSupplier mayKeepAlive, SocketChannel channel) {
        this(out, http11, headOnly, mayKeepAlive, channel, new byte[2048]);
    }

    private ResponseWriter(OutputStream out, boolean http11, boolean headOnly, BooleanSupplier mayKeepAlive, SocketChannel channel,
            byte[] scratch) {
        this.scratch = scratch;
        this.out = out;
        this.http11 = http11;
        this.headOnly = headOnly;
        this.mayKeepAlive = mayKeepAlive;
        this.channel = channel;
    }

    /** {@code channel}: the client connection's channel, which a relay may write the rest of a stream to (null: none). */
    ResponseWriter(OutputStream out, FrontRequest request, SocketChannel channel) {
        this(out, request, channel, new byte[2048]);
    }

    /** {@code scratch}: where the bytes of each write are put together; a connection may hand it from one response to the next. */
    ResponseWriter(OutputStream out, FrontRequest request, SocketChannel channel, byte[] scratch) {
        this(out, request.http11(), request.method().equals("HEAD"), () -> request.keepAlive() && request.bodyConsumed(), channel,
                scratch);
    }

    /** The scratch buffer, as large as the writes have made it. */
    byte[] scratch() {
        return scratch;
    }

    public void status(int status) {
        this.status = status;
    }

    /** Sets a header, replacing any of the same name. */
    public void setHeader(String name, String value) {
        headers.removeIf(h -> h[0].equalsIgnoreCase(name));
        headers.add(new String[] {name, value});
    }

    public void addHeader(String name, String value) {
        headers.add(new String[] {name, value});
    }

    /** The head has gone out: status and headers can no longer change. */
    public boolean committed() {
        return committed;
    }

    /** Sends {@code b[off, off+len)}; with {@code last} the response is then complete. */
    public void write(byte[] b, int off, int len, boolean last) throws ClientGone {
        if (done) throw new IllegalStateException("response already complete");
        int n = committed ? 0 : head(last ? len : -1);
        if (!headOnly) {
            n = data(n, b, off, len);
            if (last && framing == Framing.CHUNKED) n = ascii(n, "0\r\n\r\n");
        }
        written += len;
        if (last) done = true;
        try {
            if (n > 0) out.write(scratch, 0, n);
        } catch (IOException e) {
            failed = true;
            throw new ClientGone(e);
        }
    }

    /**
     * Keeps {@code b[off, off+len)} to go out with the end of the response in {@link #complete}: one socket write
     * carries the last data and the end, and the client sees the end only after the caller's bookkeeping. The
     * caller must not reuse {@code b}.
     */
    public void finish(byte[] b, int off, int len) {
        kept = b;
        keptOff = off;
        keptLen = len;
    }

    /** Ends the response with what {@link #finish} kept; a no-op when it is already complete or failed. */
    public void complete() throws ClientGone {
        if (done || failed) return;
        byte[] b = kept == null ? new byte[0] : kept;
        write(b, kept == null ? 0 : keptOff, keptLen, true);
    }

    /**
     * The client's channel, for a relay that writes the middle of a streamed body without blocking ({@link #frame});
     * null unless the head has gone out, the body is open-ended (chunked, or until the connection closes) and
     * nothing has failed. The channel is in blocking mode and must be back in it when the relay hands the response
     * back; the relay leaves the last bytes to {@link #finish}.
     */
    public SocketChannel relayChannel() {
        return committed && !done && !failed && !headOnly && framing != Framing.LENGTH ? channel : null;
    }

    /**
     * {@code b[off, off+len)} framed as {@link #write} would send it (not as the last bytes), for a relay to write to
     * {@link #relayChannel}; counted as written. The buffer is valid until the next call.
     */
    public ByteBuffer frame(byte[] b, int off, int len) {
        if (!committed || done) throw new IllegalStateException("frame() is for the middle of a committed body");
        int n = data(0, b, off, len);
        written += len;
        return frameView.of(scratch, 0, n);
    }

    /** Puts {@code b[off, off+len)} into scratch at {@code n} in the body's framing (a chunk of its own if chunked). */
    private int data(int n, byte[] b, int off, int len) {
        ensure(n + len + 32);
        if (framing == Framing.CHUNKED && len > 0) n = chunkSize(n, len);
        System.arraycopy(b, off, scratch, n, len);
        n += len;
        if (framing == Framing.CHUNKED && len > 0) n = crlf(n);
        return n;
    }

    /** The response cannot end properly (its body is cut short): the connection is closed instead. */
    public void abort() {
        failed = true;
    }

    /** The connection can serve another request after this response. */
    boolean reusable() {
        if (!done || failed || !keepAlive) return false;
        return framing != Framing.LENGTH || headOnly || written == declaredLength;
    }

    private void ensure(int capacity) {
        if (scratch.length < capacity) scratch = Arrays.copyOf(scratch, Math.max(capacity, 2 * scratch.length));
    }

    /** Writes the status line and headers into scratch; {@code wholeLength} >= 0 when the body is known whole. */
    private int head(long wholeLength) {
        committed = true;
        for (String[] h : headers) {
            if (h[0].equalsIgnoreCase("content-length")) declaredLength = Long.parseLong(h[1].trim());
        }
        boolean bodyless = status == 204 || status == 304 || (status >= 100 && status < 200);
        if (declaredLength >= 0 || bodyless) framing = Framing.LENGTH;
        else if (wholeLength >= 0) {
            framing = Framing.LENGTH;
            declaredLength = wholeLength;
            headers.add(new String[] {"Content-Length", Long.toString(wholeLength)});
        } else framing = http11 ? Framing.CHUNKED : Framing.CLOSE;
        keepAlive = framing != Framing.CLOSE && mayKeepAlive.getAsBoolean();
        int n = ascii(0, http11 ? "HTTP/1.1 " : "HTTP/1.0 ");
        n = ascii(n, Integer.toString(status));
        n = ascii(n, " ");
        n = ascii(n, reason(status));
        n = crlf(n);
        n = header(n, "Date", HttpDate.now());
        for (String[] h : headers) n = header(n, h[0], h[1]);
        if (framing == Framing.CHUNKED) n = header(n, "Transfer-Encoding", "chunked");
        if (!keepAlive && http11) n = header(n, "Connection", "close");
        if (keepAlive && !http11) n = header(n, "Connection", "keep-alive");
        return crlf(n);
    }

    private int header(int n, String name, String value) {
        n = ascii(n, name);
        n = ascii(n, ": ");
        n = ascii(n, value);
        return crlf(n);
    }

    private int chunkSize(int n, int len) {
        int digits = Math.max(1, (Integer.SIZE - Integer.numberOfLeadingZeros(len) + 3) / 4);
        ensure(n + digits + 4);
        for (int i = digits - 1; i >= 0; i--, len >>>= 4) scratch[n + i] = (byte) "0123456789abcdef".charAt(len & 0xf);
        return crlf(n + digits);
    }

    private int crlf(int n) {
        scratch[n] = '\r';
        scratch[n + 1] = '\n';
        return n + 2;
    }

    private int ascii(int n, String s) {
        int len = s.length();
        ensure(n + len + 4);
        for (int i = 0; i < len; i++) scratch[n + i] = (byte) s.charAt(i); // Latin-1, as upstream heads are read
        return n + len;
    }

    static String reason(int status) {
        return switch (status) {
            case 100 -> "Continue";
            case 200 -> "OK";
            case 201 -> "Created";
            case 202 -> "Accepted";
            case 204 -> "No Content";
            case 301 -> "Moved Permanently";
            case 302 -> "Found";
            case 304 -> "Not Modified";
            case 400 -> "Bad Request";
            case 401 -> "Unauthorized";
            case 403 -> "Forbidden";
            case 404 -> "Not Found";
            case 405 -> "Method Not Allowed";
            case 408 -> "Request Timeout";
            case 409 -> "Conflict";
            case 413 -> "Content Too Large";
            case 415 -> "Unsupported Media Type";
            case 422 -> "Unprocessable Content";
            case 429 -> "Too Many Requests";
            case 431 -> "Request Header Fields Too Large";
            case 499 -> "Client Closed Request";
            case 500 -> "Internal Server Error";
            case 501 -> "Not Implemented";
            case 502 -> "Bad Gateway";
            case 503 -> "Service Unavailable";
            case 504 -> "Gateway Timeout";
            case 505 -> "HTTP Version Not Supported";
            default -> status < 300 ? "OK" : status < 400 ? "Redirect" : status < 500 ? "Client Error" : "Server Error";
        };
    }

    /** The Date header's value, formatted once per second. */
    private static final class HttpDate {
        private static final DateTimeFormatter FORMAT = DateTimeFormatter.ofPattern("EEE, dd MMM yyyy HH:mm:ss 'GMT'", Locale.ROOT);

        private record Stamp(long second, String text) {}

        private static volatile Stamp last = new Stamp(-1, "");

        static String now() {
            long s = System.currentTimeMillis() / 1000;
            Stamp st = last;
            if (st.second() != s) {
                st = new Stamp(s, FORMAT.format(ZonedDateTime.ofInstant(Instant.ofEpochSecond(s), ZoneOffset.UTC)));
                last = st;
            }
            return st.text();
        }
    }
}
