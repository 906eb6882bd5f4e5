package hearth.cli;

import hearth.server.pull.ConsoleProgress;
import hearth.server.pull.HubCache;
import hearth.server.pull.HubException;
import hearth.server.pull.HubSettings;
import hearth.server.pull.LocalDir;
import hearth.server.pull.PullListener;
import hearth.server.pull.PullResult;
import hearth.server.pull.Puller;
import hearth.server.pull.RepoRef;
import hearth.server.pull.Selection;
import hearth.server.pull.Store;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

/**
 * {@code hearth pull}: fetch a model from the Hugging Face hub into the local cache. Progress goes to stderr; stdout
 * gets only the path of the GGUF to load, so that {@code hearth run -m "$(hearth pull o/r:Q4_K_M)"} works.
 */
@Command(name = "pull", mixinStandardHelpOptions = true,
        description = {"Download a model from the Hugging Face hub (resumable, verified).",
                "Environment: HF_TOKEN (gated/private repos), HF_ENDPOINT (mirror), HEARTH_CACHE / HF_HUB_CACHE / HF_HOME (cache),",
                "HF_HUB_OFFLINE=1 (use only the cache)."})
final class PullCommand implements Callable<Integer> {
    @Parameters(index = "0", paramLabel = "OWNER/REPO[:QUANT]", description = "repository, optionally with a quantisation (e.g. Q4_K_M, UD-Q4_K_XL)")
    String spec;

    @Option(names = "--include", paramLabel = "GLOB", description = "only files matching GLOB ('*' crosses folders); repeatable")
    List<String> includes;

    @Option(names = "--revision", paramLabel = "R", defaultValue = "main", description = "branch, tag or commit (default ${DEFAULT-VALUE})")
    String revision;

    @Option(names = "--dir", paramLabel = "D", description = "put the files under D with their repository paths instead of the cache")
    Path dir;

    @Option(names = "--connections", paramLabel = "N", description = "parallel connections (default 4)")
    Integer connections;

    @Option(names = "--offline", description = "do not use the network (same as HF_HUB_OFFLINE=1)")
    boolean offline;

    @Option(names = {"-q", "--quiet"}, description = "no progress output")
    boolean quiet;

    @Override
    public Integer call() {
        PrintStream out = new PrintStream(System.out, true, StandardCharsets.UTF_8);
        HubSettings settings = HubSettings.fromEnv();
        if (offline) settings = settings.withOffline(true);
        if (connections != null) settings = settings.withConnections(connections);
        PullListener listener = quiet ? PullListener.NONE : ConsoleProgress.stderr();
        try (Puller puller = new Puller(settings, listener)) {
            RepoRef ref = RepoRef.parse(spec, revision);
            Store store = dir != null ? new LocalDir(dir) : new HubCache(settings.cacheDir());
            PullResult r = puller.pull(ref, Selection.of(ref, includes), store);
            if (r.model().isPresent()) {
                out.println(r.model().get());
            } else {
                r.files().forEach(out::println);
            }
            return 0;
        } catch (HubException e) {
            System.err.println("error: " + e.getMessage());
            return switch (e.kind()) {
                case INVALID -> 2;
                case NOT_FOUND -> 3;
                case UNAUTHORIZED -> 4;
                case OFFLINE -> 5;
                default -> 1;
            };
        }
    }
}
