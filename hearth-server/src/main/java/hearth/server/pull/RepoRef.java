package hearth.server.pull;

import java.util.Optional;
import java.util.regex.Pattern;

/**
 * What to pull: {@code OWNER/REPO}, optionally {@code :QUANT} (one quantisation of a GGUF repository), at a revision
 * (branch, tag or commit; default {@code main}).
 */
public record RepoRef(String repo, String revision, Optional<String> quant) {
    // The hub's own rules are stricter; this is enough to keep names from carrying path or URL syntax.
    private static final Pattern PART = Pattern.compile("[A-Za-z0-9][A-Za-z0-9._-]{0,95}");
    private static final Pattern QUANT = Pattern.compile("[A-Za-z0-9][A-Za-z0-9._-]{0,63}");
    private static final Pattern REVISION = Pattern.compile("[A-Za-z0-9][A-Za-z0-9._/-]{0,199}");

    public RepoRef {
        String[] parts = repo.split("/", -1);
        if (parts.length != 2 || !PART.matcher(parts[0]).matches() || !PART.matcher(parts[1]).matches()
                || repo.contains("..")) {
            throw new HubException(HubException.Kind.INVALID, "'" + repo + "' is not a repository name of the form OWNER/REPO");
        }
        if (!REVISION.matcher(revision).matches() || revision.contains("..") || revision.contains("//")) {
            throw new HubException(HubException.Kind.INVALID, "'" + revision + "' is not a usable revision name");
        }
        if (quant.isPresent() && !QUANT.matcher(quant.get()).matches()) {
            throw new HubException(HubException.Kind.INVALID, "'" + quant.get() + "' is not a quantisation name (e.g. Q4_K_M)");
        }
    }

    /** Parses {@code OWNER/REPO} or {@code OWNER/REPO:QUANT}; a {@code hf.co/} or {@code https://huggingface.co/} prefix is dropped. */
    public static RepoRef parse(String spec, String revision) {
        String s = spec.strip();
        for (String prefix : new String[] {"https://huggingface.co/", "http://huggingface.co/", "huggingface.co/", "hf.co/"}) {
            if (s.startsWith(prefix)) s = s.substring(prefix.length());
        }
        int colon = s.indexOf(':');
        Optional<String> quant = colon < 0 ? Optional.empty() : Optional.of(s.substring(colon + 1));
        String repo = colon < 0 ? s : s.substring(0, colon);
        return new RepoRef(repo, revision == null || revision.isBlank() ? "main" : revision, quant);
    }

    public String owner() {
        return repo.substring(0, repo.indexOf('/'));
    }

    public String name() {
        return repo.substring(repo.indexOf('/') + 1);
    }

    /** Whether the revision is a full commit hash (no lookup needed, cache entries never change). */
    public boolean pinnedToCommit() {
        return revision.matches("[0-9a-f]{40}");
    }

    @Override
    public String toString() {
        return repo + quant.map(q -> ":" + q).orElse("") + (revision.equals("main") ? "" : "@" + revision);
    }
}
