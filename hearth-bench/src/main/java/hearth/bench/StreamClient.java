package hearth.bench;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import hearth.bench.dataset.Message;
import hearth.bench.dataset.Turn;
import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStream;
import java.io.InputStreamReader;
import java.net.ConnectException;
import java.net.NoRouteToHostException;
import java.net.URI;
import java.net.UnknownHostException;
import java.net.http.HttpClient;
import java.net.http.HttpConnectTimeoutException;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.net.http.HttpTimeoutException;
import java.nio.channels.UnresolvedAddressException;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.Map;

/**
 * Sends one generation request and times it. Streams by default, asking for {@code usage} in the last chunk and,
 * with {@code ignoreEos}, for exactly {@code max_tokens} tokens ({@code ignore_eos} and {@code min_tokens}, which
 * vLLM, llama-server and Hearth honour; others ignore them, and the short answers show in the summary).
 * Blocking and thread-safe: each request runs on its caller's (virtual) thread.
 */
public final class StreamClient implements AutoCloseable {
    /** How requests are made. {@code model} may be null (servers with one model accept that); {@code extraBody} is merged last. */
    public record Options(URI base, Endpoint endpoint, String model, String apiKey, boolean stream, boolean ignoreEos,
                          Double temperature, Map<String, Object> extraBody, Duration connectTimeout) {
        public Options {
            extraBody = extraBody == null ? Map.of() : Map.copyOf(extraBody);
        }
    }

    /** A request's measurements and the reply text (for the agent replay). */
    public record Outcome(RequestResult result, String reply) {}

    private static final ObjectMapper JSON = new ObjectMapper();

    private final Options opts;
    private final HttpClient http;
    private final URI uri;

    public StreamClient(Options opts) {
        this.opts = opts;
        this.uri = ServerProbe.at(opts.base(), opts.endpoint().path());
        this.http = HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1).connectTimeout(opts.connectTimeout()).build();
    }

    public Options options() {
        return opts;
    }

    /** Runs one request to completion; never throws: failures come back as {@link RequestResult#error()}. */
    public Outcome send(Turn turn, int conversation, int turnIndex) {
        Inflight self = Inflight.current();
        return send(turn, conversation, turnIndex, self);
    }

    Outcome send(Turn turn, int conversation, int turnIndex, Inflight handle) {
        HttpRequest.Builder req = HttpRequest.newBuilder(uri)
                .header("Content-Type", "application/json")
                .header("Accept", opts.stream() ? "text/event-stream" : "application/json")
                .POST(HttpRequest.BodyPublishers.ofString(body(turn)));
        if (opts.apiKey() != null && !opts.apiKey().isEmpty()) req.header("Authorization", "Bearer " + opts.apiKey());
        ChunkReader chunks = new ChunkReader();
        long start = System.nanoTime();
        RequestError error = null;
        boolean cancelled = false;
        try {
            HttpResponse<InputStream> resp = http.send(req.build(), HttpResponse.BodyHandlers.ofInputStream());
            try (InputStream body = resp.body()) {
                if (resp.statusCode() / 100 != 2) {
                    error = httpError(resp.statusCode(), body);
                } else if (opts.stream()) {
                    chunks.read(new BufferedReader(new InputStreamReader(body, StandardCharsets.UTF_8)));
                } else {
                    chunks.whole(new String(body.readAllBytes(), StandardCharsets.UTF_8));
                }
            }
        } catch (InterruptedException | IOException e) {
            Inflight.Reason why = handle.reason();
            if (why == Inflight.Reason.CANCELLED) cancelled = true;
            else if (why == Inflight.Reason.TIMEOUT) error = new RequestError(ErrorKind.TIMEOUT, 0, "no complete answer in time");
            else error = ioError(e, chunks.chunks() > 0);
        }
        long end = System.nanoTime();
        if (error == null && !cancelled) {
            error = chunks.error();
            if (error == null && opts.stream() && !chunks.done() && chunks.finishReason() == null) {
                error = new RequestError(ErrorKind.INCOMPLETE, 0, "the stream ended before [DONE] after " + chunks.chunks() + " chunks");
            }
        }
        boolean usageOut = chunks.completionTokens() >= 0;
        boolean usageIn = chunks.promptTokens() >= 0;
        RequestResult r = new RequestResult(conversation, turnIndex, start, end, chunks.chunkTimes(),
                usageOut ? chunks.completionTokens() : chunks.chunks(), usageOut,
                usageIn ? chunks.promptTokens() : turn.promptTokens(), usageIn,
                turn.outputTokens(), chunks.finishReason(), cancelled, error);
        return new Outcome(r, error == null && !cancelled ? chunks.text() : null);
    }

    String body(Turn turn) {
        ObjectNode b = JSON.createObjectNode();
        if (opts.model() != null) b.put("model", opts.model());
        if (opts.endpoint() == Endpoint.COMPLETIONS) {
            b.put("prompt", turn.promptText());
        } else {
            ArrayNode ms = b.putArray("messages");
            for (Message m : turn.messages()) ms.addObject().put("role", m.role()).put("content", m.content());
        }
        b.put("max_tokens", turn.outputTokens());
        if (opts.ignoreEos()) {
            b.put("ignore_eos", true);
            b.put("min_tokens", turn.outputTokens());
        }
        if (opts.temperature() != null) b.put("temperature", opts.temperature());
        b.put("stream", opts.stream());
        if (opts.stream()) b.putObject("stream_options").put("include_usage", true);
        for (var e : opts.extraBody().entrySet()) b.set(e.getKey(), JSON.valueToTree(e.getValue()));
        return b.toString();
    }

    private static RequestError httpError(int status, InputStream body) throws IOException {
        byte[] head = body.readNBytes(4096);
        String text = new String(head, StandardCharsets.UTF_8);
        String message = ChunkReader.abbreviate(text);
        try {
            var node = JSON.readTree(text);
            var err = node.path("error");
            if (err.isTextual()) message = err.textValue();
            else if (err.path("message").isTextual()) message = err.get("message").textValue();
            else if (node.path("message").isTextual()) message = node.get("message").textValue();
        } catch (IOException notJson) {
            // keep the raw text
        }
        return new RequestError(ErrorKind.ofStatus(status), status, message);
    }

    /** Classifies an exception from the HTTP client: no connection at all, or one lost part-way. */
    static RequestError ioError(Exception e, boolean streamed) {
        for (Throwable t = e; t != null; t = t.getCause()) {
            if (t instanceof HttpConnectTimeoutException) return new RequestError(ErrorKind.CONNECT, 0, "connect timed out");
            if (t instanceof ConnectException || t instanceof NoRouteToHostException || t instanceof UnknownHostException
                    || t instanceof UnresolvedAddressException) {
                return new RequestError(ErrorKind.CONNECT, 0, describe(t, "connection refused"));
            }
            if (t instanceof HttpTimeoutException) return new RequestError(ErrorKind.TIMEOUT, 0, describe(t, "timed out"));
        }
        String where = streamed ? "mid-stream" : "before the response";
        return new RequestError(ErrorKind.INCOMPLETE, 0, "connection lost " + where + ": " + describe(e, e.getClass().getSimpleName()));
    }

    private static String describe(Throwable t, String fallback) {
        String m = t.getMessage();
        return m == null || m.isBlank() ? fallback : m;
    }

    @Override
    public void close() {
        http.shutdownNow();
    }
}
