package hearth.cli;

import hearth.engine.Engine;
import hearth.engine.EngineConfig;
import hearth.engine.kv.KvCacheType;
import hearth.server.HearthServer;
import hearth.server.ServerConfig;
import hearth.server.backend.EmbeddedBackend;
import hearth.server.backend.MockEngine;
import hearth.server.backend.EngineKind;
import hearth.server.cluster.Settings;
import hearth.server.openai.ChatPrompts;
import hearth.server.pull.ConsoleProgress;
import hearth.server.pull.DefaultModel;
import hearth.server.pull.HubException;
import hearth.server.pull.HubSettings;
import hearth.server.router.CatalogEntry;
import hearth.server.router.CatalogException;
import hearth.server.router.RouterLimits;
import hearth.server.router.RouterModels;
import hearth.server.router.Units;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.Callable;
import java.util.concurrent.CountDownLatch;
import java.util.stream.Stream;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/**
 * {@code hearth serve}: the OpenAI-compatible server over a local GGUF model (or the mock model). Every option can
 * also come from an environment variable or {@code ./.env} (see {@link EnvDefaults}); the HTTP port opens at once
 * and the model loads in the background (503 until it is ready).
 */
@Command(name = "serve", mixinStandardHelpOptions = true, defaultValueProvider = ServeCommand.Defaults.class,
        description = {"Serve a GGUF model over an OpenAI-compatible HTTP API, with Hearth's engine or in front of a supervised"
                + " llama-server, vLLM or SGLang (--backend).",
                "Each option may also be set by an environment variable named like its long name (--ctx-size: CTX_SIZE,"
                        + " or HEARTH_CTX_SIZE), in ./.env or in a --profile; precedence: flag > environment > .env > profile > default."},
        footer = {"", "Engine settings for --backend llama-server|vllm|sglang (also in profiles;",
                "see docs/cluster.md):",
                "  llama-server: --models-dir --models-max --gpu-layers|-ngl --split-mode",
                "    --tensor-split --rpc --rpc-workers slurm --rpc-port --cache-type-k/-v",
                "    --mlock --numa --reasoning-format --jinja --flash-attn --timeout",
                "  vLLM: --tensor-parallel-size --pipeline-parallel-size",
                "    --data-parallel-size --enable-expert-parallel --quantization",
                "    --max-model-len --gpu-memory-utilization --max-num-seqs --swap-space",
                "    --trust-remote-code --tool-call-parser --reasoning-parser",
                "    --distributed-executor-backend --nodes --ray-port",
                "  SGLang: --sglang-command --mem-fraction-static",
                "  all: --engine-args --engine-env --engine-stop-grace --engine-start-timeout",
                "    --max-restarts --engine-log-dir --srun-args --nodelist --registry-name",
                "    --public-url --registry-interval"})
public final class ServeCommand implements Callable<Integer> {
    /** Environment variables that do not follow from an option name. */
    static final Map<String, List<String>> EXTRA_VARIABLES = Map.of("--api-key", List.of("HEARTH_API_KEY"));

    /** The default-value provider picocli instantiates for this command: process environment and ./.env. */
    public static final class Defaults implements CommandLine.IDefaultValueProvider {
        final EnvDefaults env = EnvDefaults.load(Path.of(""), EXTRA_VARIABLES);

        @Override
        public String defaultValue(CommandLine.Model.ArgSpec arg) {
            return env.defaultValue(arg);
        }
    }

    @CommandLine.Spec
    CommandLine.Model.CommandSpec spec;

    /** Set by {@link #prepare}: the profile and the environment the defaults came from. */
    ProfileDefaults prepared;

    @Option(names = "--profile", paramLabel = "NAME",
            description = "deployment profile: a name in deploy/profiles ($HEARTH_PROFILE_DIR) or a .properties file")
    String profile;

    @Option(names = "--backend", defaultValue = "embedded",
            description = "embedded (Hearth's engine), llama-server, vllm, sglang (supervised child engines) or openai (--upstream-url) (default ${DEFAULT-VALUE})")
    String backendName;

    @Option(names = "--dry-run", description = "print what would run (engine command lines, per node) and exit")
    boolean dryRun;

    @Option(names = "--upstream-url", description = "--backend openai: base URL of the OpenAI-compatible server to front")
    String upstreamUrl;

    @Option(names = "--upstream-api-key", description = "bearer key Hearth sends to the upstream")
    String upstreamApiKey;

    @Option(names = "--engine-port", description = "port of the supervised engine on 127.0.0.1 (default: --port + 1000; 0 = any free one)")
    Integer enginePort;

    @Option(names = "--registry-dir", description = "shared directory for this server's registry entry (NAME.json; heartbeat; deleted on drain)")
    String registryDir;

    @Option(names = "--tier", description = "tier in the registry entry (default: the profile's, else 'default')")
    String tier;

    @Option(names = "--requeue-on-term", description = "in a SLURM job: 'scontrol requeue' after a SIGTERM shutdown")
    boolean requeueOnTerm;

    /** Engine settings without an option of their own ({@link EngineArgs}). */
    @CommandLine.Unmatched
    List<String> engineArgs = new ArrayList<>();

    @Option(names = "--host", defaultValue = "127.0.0.1", description = "address to bind (default ${DEFAULT-VALUE})")
    String host;

    @Option(names = "--port", defaultValue = "8080", description = "port (0 = any free one; default ${DEFAULT-VALUE})")
    int port;

    @Option(names = {"-m", "--model", "--model-path"}, description = "GGUF file (default: the single .gguf under ./models)")
    Path model;

    @Option(names = {"-a", "--alias"}, description = "model id in the API (default: the file name without .gguf)")
    String alias;

    @Option(names = "--models-dir", paramLabel = "DIR",
            description = "router mode: serve every GGUF under DIR by name, loading each on demand (presets: DIR/models.toml)")
    Path modelsDir;

    @Option(names = "--models-memory", paramLabel = "SIZE", defaultValue = "0",
            description = "router: estimated memory all loaded models may take together, e.g. 8G or 512M (0 = no limit)")
    String modelsMemory;

    @Option(names = "--models-max", paramLabel = "N", defaultValue = "0", description = "router: most models loaded at once (0 = no limit)")
    int modelsMax;

    @Option(names = "--models-idle-ttl", paramLabel = "TIME", defaultValue = "0",
            description = "router: unload a model unused this long, e.g. 600 or 10m (0 = never; presets may override)")
    String modelsIdleTtl;

    @Option(names = "--models-load-wait", paramLabel = "TIME", defaultValue = "60s",
            description = "router: how long a request waits for its model to load before 503 + Retry-After (default ${DEFAULT-VALUE})")
    String modelsLoadWait;

    @Option(names = "--mock", description = "serve the mock model (no file; scripted tokens at --mock-tps)")
    boolean mock;

    @Option(names = "--mock-tps", defaultValue = "50", description = "mock decode speed, tokens/s (default ${DEFAULT-VALUE})")
    double mockTps;

    @Option(names = "--mock-ttft-ms", defaultValue = "50", description = "mock prefill time per request, ms (default ${DEFAULT-VALUE})")
    long mockTtftMs;

    @Option(names = {"-c", "--ctx-size", "--max-seq-len"}, defaultValue = "0",
            description = "tokens per sequence, prompt + output (0 = the model's, at most 4096)")
    int ctxSize;

    @Option(names = {"-np", "--parallel", "--max-concurrency"}, defaultValue = "4", description = "sequences decoded together (default ${DEFAULT-VALUE})")
    int parallel;

    @Option(names = {"-b", "--batch-size"}, defaultValue = "2048", description = "logical batch: most tokens per step (default ${DEFAULT-VALUE})")
    int batchSize;

    @Option(names = {"-ub", "--ubatch-size", "--max-batch-tokens"}, defaultValue = "512",
            description = "most tokens the model runs in one step; the smaller of this and --batch-size is used (default ${DEFAULT-VALUE})")
    int ubatchSize;

    @Option(names = {"-t", "--threads"}, description = "compute threads (default: all cores)")
    Integer threads;

    @Option(names = {"-tb", "--threads-batch"}, description = "accepted for llama-server compatibility; the engine has one pool (--threads)")
    Integer threadsBatch;

    @Option(names = "--kv-cache-tokens", defaultValue = "0", description = "KV cache size in tokens (0 = ctx-size x parallel)")
    int kvCacheTokens;

    @Option(names = {"-ctk", "--cache-type-k"}, defaultValue = "f16", description = "K cache type: f16, f32 or q8_0 (default ${DEFAULT-VALUE})")
    String cacheTypeK;

    @Option(names = {"-ctv", "--cache-type-v"}, defaultValue = "f16",
            description = "V cache type: f16, f32 or q8_0 (default ${DEFAULT-VALUE}; unlike llama.cpp, q8_0 needs no flash attention)")
    String cacheTypeV;

    @Option(names = "--prefix-cache", defaultValue = "true", negatable = true, fallbackValue = "true",
            description = "reuse the KV cache of repeated prompt prefixes (default ${DEFAULT-VALUE})")
    boolean prefixCache;

    @Option(names = "--warmup", defaultValue = "true", negatable = true, fallbackValue = "true",
            description = "before answering requests, run the model on made-up tokens until its kernels are compiled "
                    + "(otherwise the first requests run them uncompiled, 6-12x slower; /health answers 503 meanwhile) (default ${DEFAULT-VALUE})")
    boolean warmup;

    @Option(names = "--queue-size", defaultValue = "64", description = "requests that may wait for a slot; more get 429 (default ${DEFAULT-VALUE})")
    int queueSize;

    @Option(names = "--max-prompt-tokens", defaultValue = "0", description = "longest prompt accepted (0 = context size)")
    int maxPromptTokens;

    @Option(names = "--max-new-tokens", defaultValue = "0", description = "cap on generated tokens per choice (0 = context size)")
    int maxNewTokens;

    @Option(names = "--max-body-size", defaultValue = "16777216", description = "largest request body in bytes (default ${DEFAULT-VALUE})")
    long maxBodySize;

    @Option(names = "--api-key", description = "require 'Authorization: Bearer KEY' (comma-separated for several; env HEARTH_API_KEY)")
    String apiKey;

    @Option(names = "--api-key-file", description = "file with accepted keys, one per line ('#' comments)")
    Path apiKeyFile;

    @Option(names = "--chat-template", description = "chat template: chatml, llama3, or a Jinja file (default: the model's)")
    String chatTemplate;

    @Option(names = "--tool-parser", description = "tool-call markup to parse and enforce: hermes, qwen3_coder, glm45, mistral, llama3, deepseek, none (default: from the chat template)")
    String toolParser;

    @Option(names = "--reasoning-format", defaultValue = "reasoning_content",
            description = "where chat output puts thinking: reasoning_content, reasoning, both, or none (inline in the content) (default ${DEFAULT-VALUE})")
    String reasoningFormat;

    @Option(names = "--shutdown-grace", defaultValue = "25", description = "seconds in-flight requests may run after SIGTERM (default ${DEFAULT-VALUE})")
    long shutdownGrace;

    @Option(names = "--log-level", defaultValue = "INFO", description = "TRACE, DEBUG, INFO, WARN or ERROR (default ${DEFAULT-VALUE})")
    String logLevel;

    /**
     * Makes the {@code serve} subcommand of {@code hearth} read its defaults from the environment, {@code .env} and
     * the profile named in {@code args} (picocli asks for defaults while parsing, so the profile is found first).
     */
    static void prepare(CommandLine hearth, String[] args) {
        prepare(hearth, args, System.getenv(), DotEnv.read(Path.of(".env")));
    }

    /** The same with a given environment and {@code .env} (tests). */
    static void prepare(CommandLine hearth, String[] args, Map<String, String> environment, Map<String, String> dotEnv) {
        List<String> all = List.of(args);
        int at = all.indexOf("serve");
        if (at < 0) return;
        CommandLine serve = hearth.getSubcommands().get("serve");
        ProfileDefaults d = ProfileDefaults.prepare(all.subList(at + 1, all.size()), environment, dotEnv);
        serve.setDefaultValueProvider(d);
        ((ServeCommand) serve.getCommand()).prepared = d;
    }

    @Override
    public Integer call() throws Exception {
        try {
            if (prepared != null && prepared.error != null) throw new IllegalArgumentException(prepared.error);
            EngineKind kind = EngineKind.parse(backendName);
            Settings settings = settings();
            if (kind == EngineKind.EMBEDDED) embeddedOnly(settings);
            if (dryRun) {
                System.out.print(kind == EngineKind.EMBEDDED ? embeddedDryRun() : ClusterServe.dryRun(kind, settings, environment()));
                return 0;
            }
            // the logback configuration reads this; set before the first logger exists
            System.setProperty("hearth.log.level", logLevel.toUpperCase(Locale.ROOT));
            Logger log = LoggerFactory.getLogger(ServeCommand.class);
            EffectiveConfig.log(log, spec, prepared != null ? prepared.env : new Defaults().env, prepared);
            if (kind == EngineKind.EMBEDDED) return serve(log, settings);
            return ClusterServe.serve(kind, settings, proxyConfig());
        } catch (IllegalArgumentException | CatalogException e) {
            System.err.println("hearth serve: " + e.getMessage());
            return 2;
        }
    }

    /**
     * All settings in layers for the engine launchers and the registry: this command line (its options as typed, then
     * the engine settings), environment, {@code .env}, profile.
     */
    Settings settings() {
        Map<String, String> flags = new LinkedHashMap<>();
        CommandLine.ParseResult parsed = spec.commandLine().getParseResult();
        for (CommandLine.Model.OptionSpec o : spec.options()) {
            if (parsed == null || !parsed.hasMatchedOption(o)) continue;
            List<String> typed = o.originalStringValues();
            flags.put(ProfileDefaults.key(o), typed.isEmpty() ? "true" : String.join(",", typed));
        }
        flags.putAll(EngineArgs.parse(engineArgs));
        Map<String, String> env = environment();
        Map<String, String> dot = prepared != null ? prepared.dotEnv : DotEnv.read(Path.of(".env"));
        Map<String, String> prof = prepared != null && prepared.profile != null ? prepared.profile.settings() : Map.of();
        Map<String, String> defaults = new LinkedHashMap<>();
        defaults.put("backend", backendName);
        if (prepared != null && prepared.profile != null) defaults.put("profile", prepared.profile.name());
        return new Settings(flags, env, dot, prof, defaults);
    }

    private Map<String, String> environment() {
        return prepared != null ? prepared.environment : System.getenv();
    }

    /** The embedded engine takes only the registry's extra settings; engine flags of external engines are a mistake. */
    private void embeddedOnly(Settings s) {
        for (String key : EngineArgs.parse(engineArgs).keySet()) {
            if (!Set.of("registry-name", "public-url", "registry-interval", "scontrol").contains(key)) {
                throw new IllegalArgumentException("--" + key + " is an engine setting for --backend llama-server, vllm or sglang");
            }
        }
    }

    private String embeddedDryRun() {
        String what = mock ? "the mock model" : modelsDir != null ? "router over " + modelsDir
                : model != null ? model.toString() : "the single .gguf under ./models (else the default model)";
        return "# hearth serve: backend embedded (no child process), API on http://" + host + ":" + port + "\n"
                + "# model: " + what + (alias != null ? " as '" + alias + "'" : "") + "\n";
    }

    /**
     * The HTTP settings in front of an external engine: the engine parses tool calls and reasoning itself, so
     * Hearth's --tool-parser and --reasoning-format (which the engine's flags of the same name may reuse) stay neutral.
     */
    ServerConfig proxyConfig() throws IOException {
        return new ServerConfig(host, port, maxPromptTokens, maxNewTokens, maxBodySize, apiKeys(),
                null, Duration.ofSeconds(shutdownGrace), null, "reasoning_content");
    }


    private int serve(Logger log, Settings settings) throws Exception {
        EngineConfig engine = engineConfig();
        ServerConfig server = serverConfig();
        if (chatTemplate != null) ChatPrompts.compileOverride(chatTemplate);

        if (modelsDir != null) return serveRouter(log, engine, server, settings);
        EmbeddedBackend backend = mock
                ? EmbeddedBackend.pending(alias != null ? alias : MockEngine.MODEL_ID, () -> MockEngine.create(engine, mockTps, mockTtftMs))
                : EmbeddedBackend.pending(modelId(engine.model()), () -> load(log, engine));
        HearthServer http = new HearthServer(server, backend).start(); // the port is up (503 while loading) ...
        backend.startLoading(); // ... before the model loads
        ServeLifecycle.install(http, settings, server.shutdownGrace());
        backend.loaded().exceptionally(t -> {
            log.error("cannot serve: the model did not load; exiting");
            http.close();
            System.exit(1);
            return null;
        });
        new CountDownLatch(1).await(); // the signal handler ends the process
        return 0;
    }

    /** Router mode: the models of {@link #modelsDir}, each loaded on first use within {@link #routerLimits}. */
    private int serveRouter(Logger log, EngineConfig engine, ServerConfig server, Settings settings) throws InterruptedException {
        RouterLimits limits = routerLimits();
        HearthServer http = new HearthServer(server, RouterModels.embedded(modelsDir, engine, limits)).start();
        var router = ((RouterModels) http.models()).router();
        List<CatalogEntry> entries = router.catalog().entries();
        log.info("router: {} model(s) in {}: {}; limits: memory {}, models {}, idle TTL {}", entries.size(), router.catalog().root(),
                String.join(", ", entries.stream().map(CatalogEntry::id).toList()),
                limits.memoryBytes() == 0 ? "unlimited" : Units.human(limits.memoryBytes()),
                limits.maxModels() == 0 ? "unlimited" : limits.maxModels(), limits.idleTtl().isZero() ? "none" : limits.idleTtl());
        router.catalog().problems().forEach(p -> log.warn("models dir: {}", p));
        router.loadPinned();
        ServeLifecycle.install(http, settings, server.shutdownGrace());
        new CountDownLatch(1).await(); // the signal handler ends the process
        return 0;
    }

    RouterLimits routerLimits() {
        if (model != null || mock) throw new IllegalArgumentException("--models-dir serves a directory of models; leave out --model and --mock");
        if (!Files.isDirectory(modelsDir)) throw new IllegalArgumentException("--models-dir " + modelsDir + ": no such directory");
        if (modelsMax < 0) throw new IllegalArgumentException("--models-max must be >= 0, got " + modelsMax);
        try {
            return RouterLimits.defaults().withMemory(Units.bytes(modelsMemory)).withMaxModels(modelsMax)
                    .withIdleTtl(Units.duration(modelsIdleTtl)).withLoadWait(Units.duration(modelsLoadWait));
        } catch (IllegalArgumentException e) {
            throw new IllegalArgumentException("--models-*: " + e.getMessage());
        }
    }

    private static Engine load(Logger log, EngineConfig cfg) throws IOException {
        log.info("loading {}", cfg.model());
        Engine e = Engine.load(cfg);
        log.info("model loaded in {} ms: context {} tokens, KV cache {} MiB (K {}, V {})", e.loadNanos() / 1_000_000,
                e.contextSize(), e.kvCacheBytes() >> 20, cfg.cacheTypeK().flagName(), cfg.cacheTypeV().flagName());
        e.warmUpReport().ifPresent(w -> log.info("warmed up: {}", w));
        return e;
    }

    /** The HTTP settings; an unknown --tool-parser or --reasoning-format is an IllegalArgumentException. */
    ServerConfig serverConfig() throws IOException {
        return new ServerConfig(host, port, maxPromptTokens, maxNewTokens, maxBodySize, apiKeys(),
                chatTemplate, Duration.ofSeconds(shutdownGrace), toolParser, reasoningFormat);
    }

    EngineConfig engineConfig() {
        Path file = mock ? Path.of("mock") : modelsDir != null ? modelsDir : modelOrDefault(Path.of(""));
        EngineConfig cfg = EngineConfig.of(file)
                .withContextSize(ctxSize)
                .withParallel(positive(parallel, "--parallel"))
                .withMaxBatchTokens(Math.min(positive(batchSize, "--batch-size"), positive(ubatchSize, "--ubatch-size")))
                .withKvCacheTokens(kvCacheTokens)
                .withCacheTypes(cacheType(cacheTypeK, "--cache-type-k"), cacheType(cacheTypeV, "--cache-type-v"))
                .withQueueSize(positive(queueSize, "--queue-size"))
                .withPrefixCache(prefixCache)
                .withWarmUp(warmup);
        return threads != null ? cfg.withThreads(positive(threads, "--threads")) : cfg;
    }

    private static int positive(int v, String option) {
        if (v < 1) throw new IllegalArgumentException(option + " must be at least 1, got " + v);
        return v;
    }

    static KvCacheType cacheType(String name, String option) {
        try {
            return KvCacheType.parse(name);
        } catch (IllegalArgumentException e) {
            throw new IllegalArgumentException(option + " " + name + ": supported KV cache types are f16, f32 and q8_0"
                    + (name.toLowerCase(Locale.ROOT).matches("q[2-6].*|iq.*|bf16") ? " (" + name + " is not implemented)" : ""));
        }
    }

    /** No model given and none under ./models. */
    static final class NoModel extends IllegalArgumentException {
        NoModel(String message) {
            super(message);
        }
    }

    /** {@link #resolveModel}, else the default model ({@link DefaultModel}: from the cache, or pulled now with a progress bar). */
    Path modelOrDefault(Path cwd) {
        try {
            return resolveModel(cwd);
        } catch (NoModel none) {
            try {
                return DefaultModel.resolve(HubSettings.fromEnv(), ConsoleProgress.stderr());
            } catch (HubException e) {
                throw new IllegalArgumentException(e.getMessage() + " (or put one .gguf file under ./models, or use --mock)");
            }
        }
    }

    /** --model, else the single GGUF under {@code cwd/models} (first parts of split models count once). */
    Path resolveModel(Path cwd) {
        if (model != null) {
            if (!Files.isRegularFile(model)) throw new IllegalArgumentException("--model " + model + ": no such file");
            return model;
        }
        Path dir = cwd.resolve("models");
        List<Path> found = new ArrayList<>();
        if (Files.isDirectory(dir)) {
            try (Stream<Path> s = Files.walk(dir, 3)) {
                s.filter(p -> p.toString().endsWith(".gguf") && !p.getFileName().toString().matches(".*-000(0[2-9]|[1-9]\\d)-of-\\d+\\.gguf"))
                        .sorted().forEach(found::add);
            } catch (IOException e) {
                throw new IllegalArgumentException("cannot list ./models: " + e.getMessage());
            }
        }
        if (found.size() == 1) return found.getFirst();
        if (found.isEmpty()) throw new NoModel("no model: pass --model FILE (or MODEL_PATH), put one .gguf file under ./models, or use --mock");
        throw new IllegalArgumentException("several models under ./models, choose one with --model, or serve them all with --models-dir models: " + found);
    }

    String modelId(Path file) {
        if (alias != null && !alias.isBlank()) return alias;
        return file.getFileName().toString().replaceFirst("(-00001-of-\\d+)?\\.gguf$", "");
    }

    List<String> apiKeys() throws IOException {
        List<String> keys = new ArrayList<>();
        if (apiKey != null) for (String k : apiKey.split(",")) if (!k.isBlank()) keys.add(k.strip());
        if (apiKeyFile != null) {
            for (String line : Files.readAllLines(apiKeyFile)) {
                String k = line.strip();
                if (!k.isEmpty() && !k.startsWith("#")) keys.add(k);
            }
            if (keys.isEmpty()) throw new IllegalArgumentException("--api-key-file " + apiKeyFile + " holds no keys");
        }
        return keys;
    }
}
