package hearth.server.router;

import java.nio.file.Path;
import java.util.List;

/**
 * One model the router can serve.
 *
 * @param id       the name clients use: the file stem (split suffix removed), a qualified name when stems collide,
 *                 or the preset key that defined it
 * @param names    every name that finds this model: id, qualified name, aliases
 * @param file     real path of the GGUF to load (the first split of a split model), inside the models directory
 * @param parts    every file of the model (one, or all splits)
 * @param bytes    total size of {@code parts}
 * @param relative path of {@code file} relative to the models directory, for display
 * @param preset   settings from the presets file, defaults applied
 */
public record CatalogEntry(String id, List<String> names, Path file, List<Path> parts, long bytes, String relative, ModelPreset preset) {
    public CatalogEntry {
        names = List.copyOf(names);
        parts = List.copyOf(parts);
    }
}
