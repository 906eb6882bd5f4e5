package hearth.cli;

import hearth.engine.EngineConfig;
import hearth.server.http.Json;
import hearth.server.pull.HubSettings;
import hearth.server.router.CatalogEntry;
import hearth.server.router.EngineSettings;
import hearth.server.router.MemoryEstimate;
import hearth.server.router.ModelCatalog;
import hearth.server.router.Units;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.Locale;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

/**
 * {@code hearth models [DIR]}: what {@code hearth serve --models-dir DIR} would serve, with names, sizes and memory
 * estimates (default DIR: the pull cache).
 */
@Command(name = "models", mixinStandardHelpOptions = true,
        description = "List the models of a models directory (default: the pull cache) as router mode sees them.")
final class ModelsCommand implements Callable<Integer> {
    @Parameters(index = "0", arity = "0..1", paramLabel = "DIR", description = "models directory (default: the cache of hearth pull)")
    Path dir;

    @Option(names = {"-c", "--ctx-size"}, defaultValue = "0", description = "context size for the estimate (0 = model's, at most 4096)")
    int ctxSize;

    @Option(names = {"-np", "--parallel"}, defaultValue = "1", description = "parallel sequences for the estimate")
    int parallel;

    @Option(names = "--json", description = "one JSON object per model")
    boolean json;

    @Override
    public Integer call() throws Exception {
        PrintStream out = new PrintStream(System.out, true, StandardCharsets.UTF_8);
        Path root = dir != null ? dir : HubSettings.fromEnv().cacheDir();
        ModelCatalog catalog = ModelCatalog.scan(root);
        EngineConfig defaults = EngineConfig.of(root).withContextSize(ctxSize).withParallel(parallel);
        if (!json) out.printf("%-40s %10s %10s %10s  %s%n", "ID", "FILE", "KV", "TOTAL", "NAMES / PATH");
        for (CatalogEntry e : catalog.entries()) {
            String kv = "?", total = "?";
            long kvBytes = -1, totalBytes = -1;
            try {
                MemoryEstimate m = EngineSettings.estimate(e, EngineSettings.of(e, defaults));
                kvBytes = m.kvBytes();
                totalBytes = m.total();
                kv = Units.human(kvBytes);
                total = Units.human(totalBytes);
            } catch (Exception ex) {
                System.err.println("warning: " + e.id() + ": " + ex.getMessage());
            }
            if (json) {
                out.printf(Locale.ROOT, "{\"id\":%s,\"path\":%s,\"file_bytes\":%d,\"kv_bytes\":%d,\"total_bytes\":%d,\"names\":[%s]}%n",
                        Json.writeString(e.id()), Json.writeString(e.relative()), e.bytes(), kvBytes, totalBytes,
                        String.join(",", e.names().stream().map(Json::writeString).toList()));
            } else {
                out.printf("%-40s %10s %10s %10s  %s%n", e.id(), Units.human(e.bytes()), kv, total, e.relative());
                String others = String.join(", ", e.names().stream().filter(n -> !n.equals(e.id())).toList());
                if (!others.isEmpty()) out.printf("%-40s %32s  also: %s%n", "", "", others);
            }
        }
        for (String p : catalog.problems()) System.err.println("warning: " + p);
        if (catalog.entries().isEmpty()) System.err.println("no GGUF models in " + catalog.root());
        return 0;
    }
}
