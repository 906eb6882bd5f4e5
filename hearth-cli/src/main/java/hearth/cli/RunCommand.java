package hearth.cli;

import hearth.engine.Engine;
import hearth.engine.EngineConfig;
import hearth.engine.Event;
import hearth.engine.GenerateRequest;
import hearth.engine.chat.ChatTemplate;
import hearth.engine.sample.SamplingParams;
import hearth.server.http.Json;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/** {@code hearth run}: generate from a prompt with the embedded engine, streaming text to stdout. */
@Command(name = "run", description = "Generate text from a prompt with a local GGUF model.", mixinStandardHelpOptions = true)
final class RunCommand implements Callable<Integer> {
    @Option(names = {"-m", "--model"}, required = true, description = "GGUF file (first split of a split model)")
    Path model;

    @Option(names = {"-p", "--prompt"}, description = "prompt text (without it: interactive chat, if the model has a chat template)")
    String prompt;

    @Option(names = {"-n", "--n-predict"}, defaultValue = "128", description = "tokens to generate (default ${DEFAULT-VALUE})")
    int maxTokens;

    @Option(names = "--temp", defaultValue = "0.8", description = "temperature; 0 = greedy (default ${DEFAULT-VALUE})")
    float temperature;

    @Option(names = "--top-k", defaultValue = "40") int topK;
    @Option(names = "--top-p", defaultValue = "0.95") float topP;
    @Option(names = "--min-p", defaultValue = "0.05") float minP;
    @Option(names = "--repeat-penalty", defaultValue = "1.0") float repeatPenalty;

    @Option(names = {"-s", "--seed"}, description = "RNG seed (same seed, same output)")
    Long seed;

    @Option(names = {"-t", "--threads"}, description = "compute threads (default: all cores)")
    Integer threads;

    @Option(names = {"-c", "--ctx-size"}, defaultValue = "0", description = "context size (0 = model's, at most 4096)")
    int ctxSize;

    @Option(names = "--json", description = "print one JSON object with tokens, text and speeds instead of streaming")
    boolean json;

    @Option(names = "--warmup", description = "run the model on made-up tokens first, until the JIT has compiled its "
            + "kernels (seconds), so that the speeds printed are steady-state ones (hearth serve does this by default)")
    boolean warmup;

    @Override
    public Integer call() throws Exception {
        EngineConfig cfg = EngineConfig.of(model).withContextSize(ctxSize).withPrefixCache(prompt == null).withWarmUp(warmup);
        if (threads != null) cfg = cfg.withThreads(threads);
        PrintStream out = new PrintStream(System.out, true, StandardCharsets.UTF_8);
        try (Engine engine = Engine.load(cfg)) {
            SamplingParams sampling = new SamplingParams(temperature, topK, topP, minP, repeatPenalty, 64, 0f, 0f, seed, Map.of(), 0);
            if (prompt == null) {
                if (engine.chatTemplate().isEmpty()) {
                    System.err.println("hearth run: no prompt given (-p TEXT), and the model has no chat template for an interactive chat");
                    return 2;
                }
                new InteractiveChat(engine, ChatTemplate.compile(engine.chatTemplate().get()), sampling, maxTokens).run(
                        new java.io.BufferedReader(new java.io.InputStreamReader(System.in, StandardCharsets.UTF_8)), out);
                return 0;
            }
            int[] ids = engine.tokenizer().encode(prompt, true, true);
            GenerateRequest req = new GenerateRequest("run", ids, sampling, maxTokens, List.of(), false);
            Engine.Result r = engine.generate(req, json ? null : (Event.Token t) -> out.print(t.text()));
            var u = r.done().usage();
            if (json) {
                out.println(String.format(Locale.ROOT,
                        "{\"prompt_tokens\":%s,\"tokens\":%s,\"text\":%s,\"prefill_tps\":%.3f,\"decode_tps\":%.3f}",
                        Arrays.toString(ids).replace(" ", ""), r.tokens().toString().replace(" ", ""), Json.writeString(r.text()),
                        u.prefillTokensPerSecond(), u.decodeTokensPerSecond()));
            } else {
                out.println();
                System.err.printf(Locale.ROOT, "prefill: %d tokens, %.2f tokens/s | decode: %d tokens, %.2f tokens/s | finish: %s%n",
                        u.promptTokens(), u.prefillTokensPerSecond(), u.completionTokens(), u.decodeTokensPerSecond(),
                        r.done().reason().name().toLowerCase(Locale.ROOT));
                System.err.printf(Locale.ROOT, "load: %.0f ms | model file %.1f MiB | KV cache %.1f MiB | peak RSS %s%n",
                        engine.loadNanos() / 1e6, engine.fileBytes() / 1048576.0, engine.kvCacheBytes() / 1048576.0, peakRss());
            }
        }
        return 0;
    }

    /** Peak resident set size of this process (Linux), or "n/a". */
    static String peakRss() {
        try {
            for (String line : java.nio.file.Files.readAllLines(Path.of("/proc/self/status"))) {
                if (line.startsWith("VmHWM:")) {
                    long kb = Long.parseLong(line.replaceAll("[^0-9]", ""));
                    return String.format(Locale.ROOT, "%.1f MiB", kb / 1024.0);
                }
            }
        } catch (java.io.IOException | NumberFormatException e) {
            // not Linux: no figure
        }
        return "n/a";
    }
}
