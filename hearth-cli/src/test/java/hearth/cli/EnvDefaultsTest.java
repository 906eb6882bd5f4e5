package hearth.cli;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/** Precedence flag > environment > .env > default, variable names, and where each value came from. */
class EnvDefaultsTest {
    @Command(name = "t")
    static final class Cmd implements Runnable {
        @Option(names = {"-c", "--ctx-size", "--max-seq-len"}, defaultValue = "512") int ctx;
        @Option(names = "--port", defaultValue = "8080") int port;
        @Option(names = "--api-key") String key;
        @Option(names = "--mock") boolean mock;

        @Override
        public void run() {}
    }

    private static Cmd parse(Map<String, String> env, Map<String, String> dotEnv, String... args) {
        Cmd c = new Cmd();
        CommandLine cl = new CommandLine(c);
        cl.setDefaultValueProvider(new EnvDefaults(env, dotEnv, Map.of("--api-key", List.of("SECRET_KEY"))));
        cl.parseArgs(args);
        return c;
    }

    @Test
    void theOptionDefaultAppliesWhenNothingElseIsSet() {
        Cmd c = parse(Map.of(), Map.of());
        assertThat(c.ctx).isEqualTo(512);
        assertThat(c.port).isEqualTo(8080);
        assertThat(c.key).isNull();
    }

    @Test
    void dotEnvOverridesTheDefault() {
        assertThat(parse(Map.of(), Map.of("PORT", "9000")).port).isEqualTo(9000);
    }

    @Test
    void environmentOverridesDotEnv() {
        assertThat(parse(Map.of("PORT", "9100"), Map.of("PORT", "9000")).port).isEqualTo(9100);
    }

    @Test
    void aFlagOverridesEverything() {
        assertThat(parse(Map.of("PORT", "9100"), Map.of("PORT", "9000"), "--port", "7000").port).isEqualTo(7000);
    }

    @Test
    void everyLongNameGivesAVariableAndSoDoesTheHearthPrefix() {
        assertThat(parse(Map.of("MAX_SEQ_LEN", "1024"), Map.of()).ctx).isEqualTo(1024);
        assertThat(parse(Map.of("HEARTH_CTX_SIZE", "256"), Map.of()).ctx).isEqualTo(256);
        assertThat(parse(Map.of("CTX_SIZE", "300", "MAX_SEQ_LEN", "1024"), Map.of()).ctx).isEqualTo(300);
        assertThat(parse(Map.of("SECRET_KEY", "k1"), Map.of()).key).isEqualTo("k1");
        assertThat(parse(Map.of("MOCK", "true"), Map.of()).mock).isTrue();
    }

    @Test
    void sourcesAreReported() {
        Cmd c = new Cmd();
        CommandLine cl = new CommandLine(c);
        EnvDefaults d = new EnvDefaults(Map.of("PORT", "1"), Map.of("CTX_SIZE", "64"), Map.of());
        cl.setDefaultValueProvider(d);
        CommandLine.ParseResult r = cl.parseArgs("--api-key", "x");
        var spec = cl.getCommandSpec();
        assertThat(d.source(r, spec.findOption("--api-key"))).isEqualTo(EnvDefaults.Source.FLAG);
        assertThat(d.source(r, spec.findOption("--port"))).isEqualTo(EnvDefaults.Source.ENV);
        assertThat(d.source(r, spec.findOption("--ctx-size"))).isEqualTo(EnvDefaults.Source.DOTENV);
        assertThat(d.source(r, spec.findOption("--mock"))).isEqualTo(EnvDefaults.Source.DEFAULT);
        assertThat(EnvDefaults.variable("--cache-type-k")).isEqualTo("CACHE_TYPE_K");
    }
}
