package hearth.server.pull;

import java.nio.file.Path;

/**
 * The model {@code hearth serve} uses when given none: a small instruct model in the llama.cpp GGUF format, pulled on
 * first use into the cache and taken from there afterwards (also offline).
 *
 * <p>Qwen2.5-0.5B-Instruct, Q4_K_M (about 0.4 GB; Apache-2.0; architecture qwen2, which the engine runs; a chat
 * template in its GGUF), from the Qwen team's own GGUF repository.
 */
public final class DefaultModel {
    public static final String SPEC = "Qwen/Qwen2.5-0.5B-Instruct-GGUF:Q4_K_M";

    private DefaultModel() {}

    /** The GGUF of {@link #SPEC}: cached, or downloaded now. */
    public static Path resolve(HubSettings settings, PullListener listener) {
        return resolve(RepoRef.parse(SPEC, "main"), settings, listener);
    }

    static Path resolve(RepoRef ref, HubSettings settings, PullListener listener) {
        try (Puller puller = new Puller(settings, listener)) {
            PullResult r = puller.pull(ref, Selection.of(ref, null));
            return r.model().orElseThrow(() -> new HubException(HubException.Kind.NOT_FOUND, ref + " holds no GGUF model"));
        } catch (HubException e) {
            throw new HubException(e.kind(), "no model was given (--model FILE or --models-dir DIR), so Hearth tried the default model "
                    + ref + ", which is not available: " + e.getMessage() + (e.kind() == HubException.Kind.OFFLINE
                    ? "" : ". Pass --model PATH to a GGUF file, or --models-dir DIR."), e);
        }
    }
}
