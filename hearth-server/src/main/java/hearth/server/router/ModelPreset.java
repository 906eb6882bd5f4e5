package hearth.server.router;

import hearth.engine.kv.KvCacheType;
import java.time.Duration;
import java.util.List;
import java.util.Optional;

/**
 * Per-model settings from the presets file ({@code models.toml} / {@code models.yaml} in the models directory).
 * Unset values fall back to the server's defaults.
 *
 * @param aliases      further names clients may use for the model
 * @param file         the GGUF (relative to the models directory) when the preset defines its own model id
 * @param ctxSize      context size per sequence (0 = server default)
 * @param parallel     sequences decoded together (0 = server default)
 * @param chatTemplate built-in template name or Jinja file (relative to the models directory); empty = the model's own
 * @param cacheTypeK   KV cache element type for keys
 * @param cacheTypeV   KV cache element type for values
 * @param idleTtl      unload after this long without requests (empty = server default, zero = never)
 * @param pinned       loaded at start and never evicted
 */
public record ModelPreset(List<String> aliases, Optional<String> file, int ctxSize, int parallel, Optional<String> chatTemplate,
                          Optional<KvCacheType> cacheTypeK, Optional<KvCacheType> cacheTypeV, Optional<Duration> idleTtl, boolean pinned) {
    public static final ModelPreset NONE = new ModelPreset(List.of(), Optional.empty(), 0, 0, Optional.empty(), Optional.empty(),
            Optional.empty(), Optional.empty(), false);

    public ModelPreset {
        aliases = List.copyOf(aliases);
        if (ctxSize < 0) throw new IllegalArgumentException("ctx-size must be >= 0");
        if (parallel < 0) throw new IllegalArgumentException("parallel must be >= 0");
    }

    /** This preset with unset fields taken from {@code defaults} (aliases and file are never inherited). */
    public ModelPreset orElse(ModelPreset defaults) {
        return new ModelPreset(aliases, file, ctxSize > 0 ? ctxSize : defaults.ctxSize, parallel > 0 ? parallel : defaults.parallel,
                chatTemplate.or(() -> defaults.chatTemplate), cacheTypeK.or(() -> defaults.cacheTypeK),
                cacheTypeV.or(() -> defaults.cacheTypeV), idleTtl.or(() -> defaults.idleTtl), pinned || defaults.pinned);
    }
}
