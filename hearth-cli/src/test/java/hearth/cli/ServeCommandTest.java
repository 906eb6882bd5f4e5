package hearth.cli;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import hearth.engine.EngineConfig;
import hearth.engine.kv.KvCacheType;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import picocli.CommandLine;

/** {@code hearth serve} options to engine and server settings, with the seed variable names users expect. */
class ServeCommandTest {
    private static ServeCommand parse(Map<String, String> env, String... args) {
        ServeCommand c = new ServeCommand();
        CommandLine cl = new CommandLine(c);
        cl.setDefaultValueProvider(new EnvDefaults(env, Map.of(), ServeCommand.EXTRA_VARIABLES));
        cl.parseArgs(args);
        return c;
    }

    @Test
    void seedVariablesSetTheEngine() {
        ServeCommand c = parse(Map.of("CTX_SIZE", "1024", "PARALLEL", "3", "BATCH_SIZE", "256", "UBATCH_SIZE", "128",
                "THREADS", "2", "QUEUE_SIZE", "9", "PORT", "9999", "HOST", "0.0.0.0"), "--mock");
        EngineConfig e = c.engineConfig();
        assertThat(e.contextSize()).isEqualTo(1024);
        assertThat(e.parallel()).isEqualTo(3);
        assertThat(e.maxBatchTokens()).isEqualTo(128);
        assertThat(e.threads()).isEqualTo(2);
        assertThat(e.queueSize()).isEqualTo(9);
        assertThat(c.port).isEqualTo(9999);
        assertThat(c.host).isEqualTo("0.0.0.0");
    }

    @Test
    void toolParserAndReasoningFormatReachTheServerAndBadNamesAreRefused() throws Exception {
        var server = parse(Map.of(), "--mock", "--tool-parser", "hermes", "--reasoning-format", "both").serverConfig();
        assertThat(server.toolParser()).isEqualTo("hermes");
        assertThat(server.reasoningFormat()).isEqualTo("both");
        assertThat(parse(Map.of(), "--mock").serverConfig().reasoningFormat()).isEqualTo("reasoning_content");
        assertThatThrownBy(() -> parse(Map.of(), "--mock", "--tool-parser", "nope").serverConfig())
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("nope");
        assertThatThrownBy(() -> parse(Map.of(), "--mock", "--reasoning-format", "xml").serverConfig())
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("--reasoning-format");
    }

    @Test
    void aliasVariablesAndFlagsWork() {
        ServeCommand c = parse(Map.of("MAX_CONCURRENCY", "6", "MAX_SEQ_LEN", "777", "MAX_BATCH_TOKENS", "64",
                "MAX_NEW_TOKENS", "50", "MAX_PROMPT_TOKENS", "60", "LOG_LEVEL", "DEBUG"), "--mock", "--threads-batch", "2");
        assertThat(c.engineConfig().parallel()).isEqualTo(6);
        assertThat(c.engineConfig().contextSize()).isEqualTo(777);
        assertThat(c.engineConfig().maxBatchTokens()).isEqualTo(64);
        assertThat(c.maxNewTokens).isEqualTo(50);
        assertThat(c.maxPromptTokens).isEqualTo(60);
        assertThat(c.logLevel).isEqualTo("DEBUG");
        assertThat(parse(Map.of("PARALLEL", "6"), "--mock", "-np", "2").engineConfig().parallel()).isEqualTo(2);
    }

    @Test
    void warmUpIsOnByDefaultAndOffWithTheFlagOrTheVariable() {
        assertThat(parse(Map.of(), "--mock").engineConfig().warmUp()).isTrue();
        assertThat(parse(Map.of(), "--mock", "--no-warmup").engineConfig().warmUp()).isFalse();
        assertThat(parse(Map.of("WARMUP", "false"), "--mock").engineConfig().warmUp()).isFalse();
        assertThat(parse(Map.of("HEARTH_WARMUP", "false"), "--mock", "--warmup").engineConfig().warmUp()).isTrue();
    }

    @Test
    void apiKeysComeFromTheFlagTheHearthVariableAndAFile(@TempDir Path dir) throws Exception {
        assertThat(parse(Map.of("HEARTH_API_KEY", "k1,k2"), "--mock").apiKeys()).containsExactly("k1", "k2");
        Path f = Files.writeString(dir.resolve("keys"), "# team keys\nalpha\n\n beta \n");
        assertThat(parse(Map.of(), "--mock", "--api-key-file", f.toString(), "--api-key", "gamma").apiKeys())
                .containsExactly("gamma", "alpha", "beta");
        assertThat(EffectiveConfig.mask("k1,k2")).isEqualTo("****,****");
    }

    @Test
    void cacheTypesF16F32AndQ8AreAcceptedAndOtherQuantizedOnesRefusedClearly() {
        assertThat(parse(Map.of("CACHE_TYPE_K", "f32"), "--mock").engineConfig().cacheTypeK()).isEqualTo(KvCacheType.F32);
        EngineConfig q8 = parse(Map.of("CACHE_TYPE_V", "q8_0"), "--mock", "-ctk", "Q8_0").engineConfig();
        assertThat(q8.cacheTypeK()).isEqualTo(KvCacheType.Q8_0);
        assertThat(q8.cacheTypeV()).isEqualTo(KvCacheType.Q8_0);
        assertThatThrownBy(() -> parse(Map.of(), "--mock", "-ctv", "q4_0").engineConfig())
                .hasMessageContaining("--cache-type-v q4_0").hasMessageContaining("q8_0").hasMessageContaining("not implemented");
    }

    @Test
    void theModelIsFoundUnderModelsWhenItIsTheOnlyOne(@TempDir Path dir) throws Exception {
        ServeCommand c = parse(Map.of());
        assertThatThrownBy(() -> c.resolveModel(dir)).hasMessageContaining("no model");
        Files.createDirectories(dir.resolve("models"));
        Path one = Files.write(dir.resolve("models/tiny-00001-of-00002.gguf"), new byte[0]);
        Files.write(dir.resolve("models/tiny-00002-of-00002.gguf"), new byte[0]);
        assertThat(c.resolveModel(dir)).isEqualTo(one);
        assertThat(c.modelId(one)).isEqualTo("tiny");
        Files.write(dir.resolve("models/other.gguf"), new byte[0]);
        assertThatThrownBy(() -> c.resolveModel(dir)).hasMessageContaining("several models");
        assertThat(parse(Map.of("MODEL_PATH", one.toString())).resolveModel(dir)).isEqualTo(one);
    }

    @Test
    void routerLimitsComeFromFlagsAndVariablesWithUnits(@TempDir Path dir) {
        ServeCommand c = parse(Map.of("MODELS_MAX", "2", "MODELS_IDLE_TTL", "10m"), "--models-dir", dir.toString(), "--models-memory", "8G");
        var limits = c.routerLimits();
        assertThat(limits.memoryBytes()).isEqualTo(8L << 30);
        assertThat(limits.maxModels()).isEqualTo(2);
        assertThat(limits.idleTtl()).isEqualTo(java.time.Duration.ofMinutes(10));
        assertThat(limits.loadWait()).isEqualTo(java.time.Duration.ofSeconds(60));
        assertThat(c.engineConfig().model()).isEqualTo(dir);
    }

    @Test
    void routerModeRefusesAModelFileBadSizesAndAMissingDirectory(@TempDir Path dir) throws Exception {
        Path f = Files.write(dir.resolve("x.gguf"), new byte[0]);
        assertThatThrownBy(() -> parse(Map.of(), "--models-dir", dir.toString(), "-m", f.toString()).routerLimits())
                .hasMessageContaining("leave out --model");
        assertThatThrownBy(() -> parse(Map.of(), "--models-dir", dir.toString(), "--models-memory", "lots").routerLimits())
                .hasMessageContaining("'lots' is not a size");
        assertThatThrownBy(() -> parse(Map.of(), "--models-dir", dir.resolve("nope").toString()).routerLimits())
                .hasMessageContaining("no such directory");
    }

    @Test
    void serveIsASubcommandOfHearth() {
        assertThat(new CommandLine(new Main()).getSubcommands()).containsKey("serve");
        assertThat(List.of(new CommandLine(new ServeCommand()).getCommandSpec().findOption("--shutdown-grace").defaultValue()))
                .containsExactly("25");
    }
}
