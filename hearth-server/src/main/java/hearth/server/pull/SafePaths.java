package hearth.server.pull;

import java.nio.file.Path;

/**
 * File paths that came from the network become local paths only through here: a hub (or anything posing as one)
 * must not be able to write outside the cache with {@code ../}, absolute or drive-letter paths, or backslashes.
 */
final class SafePaths {
    private SafePaths() {}

    /** Checks a repository-relative path; returns it unchanged. */
    static String relative(String path) {
        if (path == null || path.isEmpty() || path.length() > 1000) throw bad(path);
        if (path.startsWith("/") || path.contains("\\") || path.contains("\0") || path.indexOf(':') >= 0) throw bad(path);
        for (String seg : path.split("/", -1)) {
            if (seg.isEmpty() || seg.equals(".") || seg.equals("..")) throw bad(path);
        }
        return path;
    }

    /** {@code base/relative}, after checking {@code relative}; the result is inside {@code base} by construction. */
    static Path under(Path base, String relative) {
        Path p = base;
        for (String seg : relative(relative).split("/")) p = p.resolve(seg);
        Path norm = p.normalize();
        if (!norm.startsWith(base.normalize())) throw bad(relative);
        return norm;
    }

    private static HubException bad(String path) {
        return new HubException(HubException.Kind.PROTOCOL, "refusing unsafe file path from the hub: '" + path + "'");
    }
}
