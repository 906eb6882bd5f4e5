package hearth.server.pull;

import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpServer;
import java.io.IOException;
import java.io.OutputStream;
import java.net.InetSocketAddress;
import java.net.URI;
import java.net.URLDecoder;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.Executors;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * A stand-in for the Hugging Face hub on 127.0.0.1 with the routes a pull uses: revision lookup, paged recursive tree
 * listing, resolve (302 to a CDN-like path for LFS files, with X-Linked-Etag), and the CDN path with byte ranges.
 * Faults on demand: cut the connection once mid-file, serve corrupt bytes, gate a repository behind a token.
 */
final class FakeHub implements AutoCloseable {
    static final String TOKEN = "hf_test_token";

    /** One request as the hub saw it. */
    record Hit(String path, String range, boolean authorized) {}

    private record Repo(String commit, Map<String, byte[]> files, Set<String> lfs, boolean gated) {}

    private final HttpServer server;
    /** The CDN is another origin (as on the real hub), so a client must not send it the token. */
    private final HttpServer cdn;
    private final Map<String, Repo> repos = new ConcurrentHashMap<>();
    private final Map<String, byte[]> blobs = new ConcurrentHashMap<>();
    private final Map<String, Long> cutOnce = new ConcurrentHashMap<>();
    private final Map<String, Integer> corrupt = new ConcurrentHashMap<>();
    final List<Hit> hits = new CopyOnWriteArrayList<>();
    final AtomicInteger openCdnStreams = new AtomicInteger();
    final AtomicInteger maxOpenCdnStreams = new AtomicInteger();
    volatile int pageSize = 3;
    volatile boolean ignoreRanges;
    /** Pause before each content body, so that parallel downloads overlap in time. */
    volatile long slowMillis;

    FakeHub() throws IOException {
        server = HttpServer.create(new InetSocketAddress("127.0.0.1", 0), 0);
        server.createContext("/", this::handle);
        server.setExecutor(Executors.newVirtualThreadPerTaskExecutor());
        server.start();
        cdn = HttpServer.create(new InetSocketAddress("127.0.0.1", 0), 0);
        cdn.createContext("/", this::handle);
        cdn.setExecutor(Executors.newVirtualThreadPerTaskExecutor());
        cdn.start();
    }

    URI endpoint() {
        return URI.create("http://127.0.0.1:" + server.getAddress().getPort());
    }

    /** Adds a repository; files ending in .gguf are LFS files. */
    FakeHub repo(String name, String commit, Map<String, byte[]> files, boolean gated) {
        Set<String> lfs = ConcurrentHashMap.newKeySet();
        for (var e : files.entrySet()) {
            if (e.getKey().endsWith(".gguf")) {
                lfs.add(e.getKey());
                blobs.put(sha256(e.getValue()), e.getValue());
            }
        }
        repos.put(name, new Repo(commit, Map.copyOf(files), lfs, gated));
        return this;
    }

    /** The next download of {@code path} (any range that covers it) stops after {@code atByte} bytes of the file. */
    void cutOnce(String path, long atByte) {
        cutOnce.put(path, atByte);
    }

    private final Set<String> hidden = ConcurrentHashMap.newKeySet();

    /** {@code path} stays in the listing but resolve answers 404 (deleted upstream between listing and download). */
    void hide(String path) {
        hidden.add(path);
    }

    /** The next {@code times} downloads of {@code path} deliver a flipped byte. */
    void corrupt(String path, int times) {
        corrupt.put(path, times);
    }

    List<Hit> hits(String pathPart) {
        return hits.stream().filter(h -> h.path().contains(pathPart)).toList();
    }

    private static final Pattern REVISION = Pattern.compile("^/api/models/([^/]+/[^/]+)/revision/(.+)$");
    private static final Pattern TREE = Pattern.compile("^/api/models/([^/]+/[^/]+)/tree/([^/]+)$");
    private static final Pattern RESOLVE = Pattern.compile("^/([^/]+/[^/]+)/resolve/([^/]+)/(.+)$");
    private static final Pattern CDN = Pattern.compile("^/cdn/([0-9a-f]{64})/(.+)$");

    private void handle(HttpExchange ex) throws IOException {
        try (ex) {
            String path = ex.getRequestURI().getRawPath();
            String auth = ex.getRequestHeaders().getFirst("Authorization");
            hits.add(new Hit(URLDecoder.decode(path, StandardCharsets.UTF_8), ex.getRequestHeaders().getFirst("Range"), auth != null));
            boolean authorized = ("Bearer " + TOKEN).equals(auth);
            Matcher m;
            if ((m = REVISION.matcher(path)).matches()) {
                Repo r = repos.get(m.group(1));
                String rev = URLDecoder.decode(m.group(2), StandardCharsets.UTF_8);
                if (r == null) error(ex, 404, "RepoNotFound", "Repository not found");
                else if (!rev.equals("main") && !rev.equals(r.commit())) error(ex, 404, "RevisionNotFound", "Invalid rev id: " + rev);
                else json(ex, 200, "{\"id\":\"" + m.group(1) + "\",\"sha\":\"" + r.commit() + "\"}", null);
            } else if ((m = TREE.matcher(path)).matches()) {
                tree(ex, m.group(1), m.group(2));
            } else if ((m = RESOLVE.matcher(path)).matches()) {
                resolve(ex, m.group(1), m.group(2), URLDecoder.decode(m.group(3), StandardCharsets.UTF_8), authorized);
            } else if ((m = CDN.matcher(path)).matches()) {
                byte[] data = blobs.get(m.group(1));
                if (data == null) error(ex, 404, "", "no such blob");
                else content(ex, URLDecoder.decode(m.group(2), StandardCharsets.UTF_8), data, true);
            } else {
                error(ex, 404, "", "no route " + path);
            }
        }
    }

    private void tree(HttpExchange ex, String repo, String commit) throws IOException {
        Repo r = repos.get(repo);
        if (r == null || !r.commit().equals(commit)) {
            error(ex, 404, r == null ? "RepoNotFound" : "RevisionNotFound", "not found");
            return;
        }
        String query = ex.getRequestURI().getRawQuery();
        if (query == null || !query.contains("recursive=true")) throw new IllegalStateException("listing must be recursive");
        Matcher cm = Pattern.compile("cursor=(\\d+)").matcher(query);
        int from = cm.find() ? Integer.parseInt(cm.group(1)) : 0;
        List<String> paths = new ArrayList<>(r.files().keySet());
        paths.sort(null);
        int to = Math.min(paths.size(), from + pageSize);
        List<String> entries = new ArrayList<>();
        if (from == 0) entries.add("{\"type\":\"directory\",\"path\":\"subdir\",\"oid\":\"0\",\"size\":0}");
        for (int i = from; i < to; i++) {
            String p = paths.get(i);
            byte[] d = r.files().get(p);
            String e = "{\"type\":\"file\",\"path\":\"" + p + "\",\"size\":" + d.length + ",\"oid\":\"" + gitOid(d) + "\"";
            if (r.lfs().contains(p)) e += ",\"lfs\":{\"oid\":\"" + sha256(d) + "\",\"size\":" + d.length + ",\"pointerSize\":134}";
            entries.add(e + "}");
        }
        String s = "[" + String.join(",", entries) + "]";
        String link = to < paths.size() ? "<" + endpoint() + "/api/models/" + repo + "/tree/" + commit + "?recursive=true&cursor=" + to + ">; rel=\"next\"" : null;
        json(ex, 200, s, link);
    }

    private void resolve(HttpExchange ex, String repo, String rev, String path, boolean authorized) throws IOException {
        Repo r = repos.get(repo);
        if (r == null) {
            error(ex, 404, "RepoNotFound", "Repository not found");
            return;
        }
        if (r.gated() && !authorized) {
            error(ex, 401, "GatedRepo", "Access to model " + repo + " is restricted. You must have access to it and be authenticated to access it.");
            return;
        }
        byte[] data = hidden.contains(path) ? null : r.files().get(path);
        if (data == null || !(rev.equals(r.commit()) || rev.equals("main"))) {
            error(ex, 404, "EntryNotFound", path + " does not exist on \"" + rev + "\"");
            return;
        }
        ex.getResponseHeaders().add("X-Repo-Commit", r.commit());
        if (r.lfs().contains(path)) {
            ex.getResponseHeaders().add("X-Linked-Etag", "\"" + sha256(data) + "\"");
            ex.getResponseHeaders().add("X-Linked-Size", String.valueOf(data.length));
            ex.getResponseHeaders().add("Location", "http://127.0.0.1:" + cdn.getAddress().getPort() + "/cdn/" + sha256(data) + "/" + path);
            ex.sendResponseHeaders(302, -1);
        } else {
            ex.getResponseHeaders().add("ETag", "\"" + gitOid(data) + "\"");
            content(ex, path, data, false);
        }
    }

    private void content(HttpExchange ex, String path, byte[] data, boolean cdn) throws IOException {
        int open = openCdnStreams.incrementAndGet();
        maxOpenCdnStreams.accumulateAndGet(open, Math::max);
        try {
            long start = 0, end = data.length;  // end exclusive
            String range = ex.getRequestHeaders().getFirst("Range");
            boolean partial = false;
            if (range != null && !ignoreRanges) {
                Matcher m = Pattern.compile("bytes=(\\d+)-(\\d*)").matcher(range);
                if (!m.matches()) throw new IllegalStateException("bad range " + range);
                start = Long.parseLong(m.group(1));
                if (!m.group(2).isEmpty()) end = Math.min(data.length, Long.parseLong(m.group(2)) + 1);
                if (start >= data.length) {
                    ex.getResponseHeaders().add("Content-Range", "bytes */" + data.length);
                    ex.sendResponseHeaders(416, -1);
                    return;
                }
                partial = true;
                ex.getResponseHeaders().add("Content-Range", "bytes " + start + "-" + (end - 1) + "/" + data.length);
            }
            if (slowMillis > 0) {
                try {
                    Thread.sleep(slowMillis);
                } catch (InterruptedException e) {
                    Thread.currentThread().interrupt();
                }
            }
            ex.getResponseHeaders().add("Accept-Ranges", "bytes");
            ex.sendResponseHeaders(partial ? 206 : 200, end - start);
            byte[] body = java.util.Arrays.copyOfRange(data, (int) start, (int) end);
            Integer bad = corrupt.computeIfPresent(path, (k, n) -> n - 1);
            if (bad != null && bad >= 0) body[body.length / 2] ^= 0x5A;
            if (bad != null && bad <= 0) corrupt.remove(path);
            Long cut = cutOnce.get(path);
            OutputStream out = ex.getResponseBody();
            if (cut != null && cut > start && cut < end && cutOnce.remove(path, cut)) {
                out.write(body, 0, (int) (cut - start));
                out.flush();
                // Dropping the connection with bytes still owed: the client sees the body end early.
                throw new IOException("fake hub cuts the connection");
            }
            out.write(body);
        } finally {
            openCdnStreams.decrementAndGet();
        }
    }

    private static void error(HttpExchange ex, int status, String code, String message) throws IOException {
        if (!code.isEmpty()) ex.getResponseHeaders().add("X-Error-Code", code);
        ex.getResponseHeaders().add("X-Error-Message", message);
        json(ex, status, "{\"error\":\"" + message.replace("\"", "\\\"") + "\"}", null);
    }

    private static void json(HttpExchange ex, int status, String body, String link) throws IOException {
        byte[] b = body.getBytes(StandardCharsets.UTF_8);
        ex.getResponseHeaders().add("Content-Type", "application/json");
        if (link != null) ex.getResponseHeaders().add("Link", link);
        ex.sendResponseHeaders(status, b.length);
        ex.getResponseBody().write(b);
    }

    static String sha256(byte[] d) {
        try {
            return HexFormat.of().formatHex(MessageDigest.getInstance("SHA-256").digest(d));
        } catch (Exception e) {
            throw new IllegalStateException(e);
        }
    }

    static String gitOid(byte[] d) {
        try {
            MessageDigest md = MessageDigest.getInstance("SHA-1");
            md.update(("blob " + d.length + "\0").getBytes(StandardCharsets.US_ASCII));
            return HexFormat.of().formatHex(md.digest(d));
        } catch (Exception e) {
            throw new IllegalStateException(e);
        }
    }

    /** Deterministic pseudo-random bytes (a stand-in for model weights). */
    static byte[] bytes(int n, long seed) {
        byte[] b = new byte[n];
        new java.util.Random(seed).nextBytes(b);
        return b;
    }

    @Override
    public void close() {
        server.stop(0);
        cdn.stop(0);
    }
}
