package hearth.server.pull;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.io.InputStream;
import java.net.URI;
import java.net.URLEncoder;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * The three hub routes a pull needs: {@code /api/models/R/revision/REV} (commit of a branch or tag),
 * {@code /api/models/R/tree/COMMIT?recursive=true} (files, sizes and LFS SHA-256s, paged by {@code Link: rel="next"})
 * and {@code /R/resolve/COMMIT/PATH} (content, usually a redirect to a CDN). Redirects are followed here rather than by
 * the JDK so that the token is sent only to the hub's own host, never to the CDN a redirect names.
 */
public final class HubClient implements AutoCloseable {
    static final String USER_AGENT = "hearth/0.1.0";
    private static final ObjectMapper JSON = new ObjectMapper();
    private static final Pattern NEXT_LINK = Pattern.compile("<([^>]+)>\\s*;\\s*rel=\"?next\"?");
    private static final int MAX_REDIRECTS = 8;

    private final HubSettings settings;
    private final HttpClient http;

    public HubClient(HubSettings settings) {
        this.settings = settings;
        // HTTP/1.1: parallel ranges should travel on separate connections, not share one HTTP/2 stream window.
        this.http = HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1).followRedirects(HttpClient.Redirect.NEVER)
                .connectTimeout(Duration.ofSeconds(15)).build();
    }

    /** The commit a branch, tag or commit name points to now. */
    public String commit(RepoRef ref) {
        URI uri = api("/api/models/" + ref.repo() + "/revision/" + encode(ref.revision()));
        JsonNode body = getJson(uri, ref.repo() + " at revision '" + ref.revision() + "'");
        String sha = body.path("sha").asText("");
        if (!sha.matches("[0-9a-f]{40}")) throw new HubException(HubException.Kind.PROTOCOL, uri + " answered without a commit hash");
        return sha;
    }

    /** Every file of the repository at {@code commit}. */
    public List<RepoFile> files(String repo, String commit) {
        List<RepoFile> out = new ArrayList<>();
        URI next = api("/api/models/" + repo + "/tree/" + commit + "?recursive=true");
        for (int page = 0; next != null; page++) {
            if (page > 10_000) throw new HubException(HubException.Kind.PROTOCOL, "file listing of " + repo + " does not end");
            HttpResponse<String> r = sendForString(next, repo);
            JsonNode arr = parse(r.body(), next);
            if (!arr.isArray()) throw new HubException(HubException.Kind.PROTOCOL, next + " did not answer a JSON array");
            for (JsonNode e : arr) {
                if (!e.path("type").asText().equals("file")) continue;
                JsonNode lfs = e.path("lfs");
                Optional<String> sha = lfs.isObject() ? Optional.of(lfs.path("oid").asText()) : Optional.empty();
                long size = lfs.isObject() ? lfs.path("size").asLong(e.path("size").asLong()) : e.path("size").asLong();
                out.add(new RepoFile(e.path("path").asText(), size, sha.filter(s -> !s.isEmpty()), e.path("oid").asText()));
            }
            next = r.headers().firstValue("Link").map(NEXT_LINK::matcher).filter(Matcher::find).map(m -> next(m.group(1))).orElse(null);
        }
        return out;
    }

    /** An open download: the body from {@code start}, what the hub says the content is, and its total size. */
    public record Body(InputStream stream, int status, long start, long totalSize, Optional<String> etag) implements java.io.Closeable {
        @Override
        public void close() throws IOException {
            stream.close();
        }
    }

    /**
     * Opens {@code path} at {@code commit} for reading bytes {@code [from, to)} ({@code to} &lt; 0: to the end). The
     * answer may start at 0 (status 200) when the server ignores the range; callers check {@link Body#start}.
     */
    public Body open(String repo, String commit, String path, long from, long to) throws IOException {
        StringBuilder p = new StringBuilder("/" + repo + "/resolve/" + commit);
        for (String seg : SafePaths.relative(path).split("/")) p.append('/').append(encode(seg));
        URI uri = api(p.toString());
        Optional<String> etag = Optional.empty();
        for (int hop = 0; hop <= MAX_REDIRECTS; hop++) {
            HttpRequest.Builder rb = request(uri).GET();
            if (from > 0 || to >= 0) rb.header("Range", "bytes=" + from + "-" + (to >= 0 ? String.valueOf(to - 1) : ""));
            HttpResponse<InputStream> r = send(rb.build(), HttpResponse.BodyHandlers.ofInputStream());
            if (etag.isEmpty()) etag = linkedEtag(r);
            int s = r.statusCode();
            if (s == 301 || s == 302 || s == 303 || s == 307 || s == 308) {
                r.body().close();
                String loc = r.headers().firstValue("Location")
                        .orElseThrow(() -> new HubException(HubException.Kind.PROTOCOL, "redirect without Location for " + path));
                uri = uri.resolve(loc);
                continue;
            }
            if (s == 200 || s == 206) {
                long start = 0, total = r.headers().firstValueAsLong("Content-Length").orElse(-1);
                if (s == 206) {
                    long[] range = contentRange(r.headers().firstValue("Content-Range").orElse(""), path);
                    start = range[0];
                    total = range[1];
                }
                return new Body(r.body(), s, start, total, etag);
            }
            String msg = errorText(r.body(), r.headers().firstValue("X-Error-Message"));
            throw statusError(s, r.headers().firstValue("X-Error-Code").orElse(""), repo, "file '" + path + "'", msg);
        }
        throw new HubException(HubException.Kind.PROTOCOL, "more than " + MAX_REDIRECTS + " redirects for " + path + " of " + repo);
    }

    private JsonNode getJson(URI uri, String what) {
        return parse(sendForString(uri, what).body(), uri);
    }

    private HttpResponse<String> sendForString(URI uri, String what) {
        long backoff = settings.retryBackoff().toMillis();
        for (int attempt = 1; ; attempt++) {
            HttpResponse<String> r;
            try {
                r = send(request(uri).GET().build(), HttpResponse.BodyHandlers.ofString());
            } catch (IOException e) {
                throw unreachable(e);
            }
            int s = r.statusCode();
            if (s == 200) return r;
            boolean transient_ = s == 429 || s >= 500;
            if (transient_ && attempt < settings.attempts()) {
                sleep(backoff);
                backoff *= 2;
                continue;
            }
            String msg = errorText(r.body(), r.headers().firstValue("X-Error-Message"));
            throw statusError(s, r.headers().firstValue("X-Error-Code").orElse(""), repoOf(uri), what, msg);
        }
    }

    private <T> HttpResponse<T> send(HttpRequest req, HttpResponse.BodyHandler<T> handler) throws IOException {
        try {
            return http.send(req, handler);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new java.io.InterruptedIOException("interrupted while talking to " + req.uri().getHost());
        }
    }

    private HttpRequest.Builder request(URI uri) {
        HttpRequest.Builder b = HttpRequest.newBuilder(uri).header("User-Agent", USER_AGENT).timeout(Duration.ofSeconds(60));
        if (settings.token().isPresent() && sameOrigin(uri, settings.endpoint())) {
            b.header("Authorization", "Bearer " + settings.token().get());
        }
        return b;
    }

    private HubException statusError(int status, String code, String repo, String what, String hubMessage) {
        String detail = hubMessage.isBlank() ? "" : " (hub says: " + hubMessage + ")";
        boolean hasToken = settings.token().isPresent();
        return switch (status) {
            case 401 -> new HubException(HubException.Kind.UNAUTHORIZED, hasToken
                    ? "the hub refused HF_TOKEN for " + repo + " (HTTP 401); check that the token is valid" + detail
                    : repo + " needs authentication (HTTP 401): it is gated or private, or does not exist. Set HF_TOKEN to a token with access" + detail);
            case 403 -> new HubException(HubException.Kind.UNAUTHORIZED, "access to " + repo + " is restricted (HTTP 403)"
                    + (hasToken ? ": accept the model's terms on its hub page with the account that owns HF_TOKEN" : ": set HF_TOKEN") + detail);
            case 404 -> new HubException(HubException.Kind.NOT_FOUND, switch (code) {
                case "RepoNotFound" -> "repository " + repo + " not found";
                case "RevisionNotFound" -> "revision not found: " + what;
                default -> "not found on the hub: " + what;
            } + detail);
            case 416 -> new HubException(HubException.Kind.PROTOCOL, "the hub refused the byte range of " + what + " (HTTP 416)");
            default -> new HubException(HubException.Kind.PROTOCOL, "the hub answered HTTP " + status + " for " + what + detail);
        };
    }

    private HubException unreachable(IOException e) {
        String why = e.getClass().getSimpleName();
        for (Throwable t = e; t != null; t = t.getCause()) {
            if (t instanceof java.nio.channels.UnresolvedAddressException || t instanceof java.net.UnknownHostException) {
                why = "host " + settings.endpoint().getHost() + " not found";
                break;
            }
            if (t.getMessage() != null && !t.getMessage().isBlank()) {
                why = t.getMessage();
                break;
            }
        }
        return new HubException(HubException.Kind.OFFLINE, "cannot reach " + settings.endpoint() + " (" + why + ")", e);
    }

    /** Whether an exception from {@link #open} means the hub is unreachable (as opposed to a broken transfer). */
    static boolean isUnreachable(IOException e) {
        return e instanceof java.net.ConnectException || e instanceof java.net.http.HttpConnectTimeoutException
                || e instanceof java.net.UnknownHostException || e.getCause() instanceof java.nio.channels.UnresolvedAddressException;
    }

    private static Optional<String> linkedEtag(HttpResponse<?> r) {
        return r.headers().firstValue("X-Linked-Etag").or(() -> r.headers().firstValue("ETag"))
                .map(v -> v.replaceFirst("^W/", "").replace("\"", "").strip()).filter(v -> !v.isEmpty());
    }

    /** {@code bytes START-END/TOTAL} as {start, total}; total is -1 when the server writes '*'. */
    private static long[] contentRange(String header, String path) {
        Matcher m = Pattern.compile("bytes\\s+(\\d+)-(\\d+)/(\\d+|\\*)").matcher(header);
        if (!m.find()) throw new HubException(HubException.Kind.PROTOCOL, "partial answer without a usable Content-Range for " + path);
        return new long[] {Long.parseLong(m.group(1)), m.group(3).equals("*") ? -1 : Long.parseLong(m.group(3))};
    }

    private static String errorText(Object body, Optional<String> header) {
        if (header.isPresent()) return header.get();
        String text;
        try {
            text = body instanceof InputStream in ? new String(in.readNBytes(4096), StandardCharsets.UTF_8) : String.valueOf(body);
            if (body instanceof InputStream in) in.close();
        } catch (IOException e) {
            return "";
        }
        try {
            JsonNode n = JSON.readTree(text);
            if (n != null && n.has("error")) return n.path("error").asText();
        } catch (IOException ignored) {
            // not JSON: fall through to the raw text
        }
        return text.length() > 200 ? text.substring(0, 200) + "..." : text.strip();
    }

    private static JsonNode parse(String body, URI uri) {
        try {
            return JSON.readTree(body);
        } catch (IOException e) {
            throw new HubException(HubException.Kind.PROTOCOL, uri + " did not answer valid JSON: " + e.getMessage());
        }
    }

    private URI api(String pathAndQuery) {
        return URI.create(settings.endpoint() + pathAndQuery);
    }

    private URI next(String link) {
        URI u = settings.endpoint().resolve(link);
        if (!sameOrigin(u, settings.endpoint())) throw new HubException(HubException.Kind.PROTOCOL, "listing points to another host: " + u);
        return u;
    }

    private static boolean sameOrigin(URI a, URI b) {
        return a.getScheme().equalsIgnoreCase(b.getScheme()) && a.getHost() != null && a.getHost().equalsIgnoreCase(b.getHost())
                && port(a) == port(b);
    }

    private static int port(URI u) {
        return u.getPort() >= 0 ? u.getPort() : u.getScheme().equalsIgnoreCase("https") ? 443 : 80;
    }

    private static String repoOf(URI uri) {
        String[] s = uri.getPath().split("/");
        return s.length > 4 ? s[3] + "/" + s[4] : uri.getPath();
    }

    private static String encode(String s) {
        return URLEncoder.encode(s, StandardCharsets.UTF_8).replace("+", "%20");
    }

    private static void sleep(long millis) {
        try {
            Thread.sleep(millis);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new HubException(HubException.Kind.IO, "interrupted");
        }
    }

    @Override
    public void close() {
        http.close();
    }
}
