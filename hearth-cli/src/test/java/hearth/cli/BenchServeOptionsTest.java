package hearth.cli;

import static org.assertj.core.api.Assertions.assertThat;

import hearth.bench.Endpoint;
import hearth.bench.LoadShape;
import hearth.bench.Sweep;
import hearth.bench.dataset.DatasetSpec;
import hearth.bench.dataset.LengthRange;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.net.ServerSocket;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import picocli.CommandLine;

/** {@code hearth bench serve} options become the run the user asked for, and bad ones are refused clearly. */
class BenchServeOptionsTest {
    @TempDir
    Path dir;

    static BenchServe parse(String... args) {
        BenchServe cmd = new BenchServe();
        new CommandLine(cmd).parseArgs(args);
        cmd.spec = new CommandLine(cmd).getCommandSpec();
        return cmd;
    }

    @Test
    void defaultsAreOneClientOneHundredStreamedPromptsOfRandomText() throws Exception {
        var s = parse("--url", "http://127.0.0.1:8080/v1/").toSpec();
        assertThat(s.load()).isEqualTo(new LoadShape.Closed(1));
        assertThat(s.config().numPrompts()).isEqualTo(100);
        assertThat(s.config().duration()).isNull();
        assertThat(s.config().warmup()).isEqualTo(2);
        assertThat(s.stream()).isTrue();
        assertThat(s.ignoreEos()).isTrue();
        assertThat(s.temperature()).isEqualTo(0.0);
        assertThat(s.endpoint()).isEqualTo(Endpoint.COMPLETIONS);
        assertThat(s.dataset().kind()).isEqualTo(DatasetSpec.Kind.RANDOM);
        assertThat(s.dataset().promptLen()).isEqualTo(LengthRange.fixed(256));
        assertThat(s.dataset().outputLen()).isNull();
        assertThat(s.model()).isNull();
        // a fresh seed per run, so a rerun's prompts are not in the server's prefix cache already
        assertThat(parse("--url", "h:1").toSpec().seed()).isNotEqualTo(parse("--url", "h:1").toSpec().seed());
        assertThat(parse("--url", "h:1", "--seed", "5").toSpec().seed()).isEqualTo(5);
    }

    @Test
    void aRequestRateWithConcurrencyIsAnOpenLoopWithACap() throws Exception {
        var s = parse("--url", "http://h:1", "--request-rate", "2.5", "--burstiness", "0.5", "--concurrency", "8",
                "--duration", "30", "--slo", "ttft_ms=500", "tpot_ms=50", "--endpoint", "/v1/chat/completions").toSpec();
        assertThat(s.load()).isEqualTo(new LoadShape.Poisson(2.5, 0.5, 8));
        assertThat(s.config().numPrompts()).isZero();
        assertThat(s.config().duration()).isEqualTo(Duration.ofSeconds(30));
        assertThat(s.config().slo().ttftMs()).isEqualTo(500);
        assertThat(s.config().slo().tpotMs()).isEqualTo(50);
        assertThat(s.endpoint()).isEqualTo(Endpoint.CHAT);
    }

    @Test
    void rangesSweepsAndSwitchesAreParsed() throws Exception {
        var s = parse("--url", "http://h:1", "--prompt-len", "100:200", "--output-len", "64", "--sweep", "concurrency=1,2,4",
                "--no-stream", "--no-ignore-eos", "--temperature", "none", "--extra-body", "{\"top_k\": 1}").toSpec();
        assertThat(s.dataset().promptLen()).isEqualTo(new LengthRange(100, 200));
        assertThat(s.dataset().outputLen()).isEqualTo(LengthRange.fixed(64));
        assertThat(s.sweep()).isEqualTo(new Sweep(Sweep.Parameter.CONCURRENCY, java.util.List.of(1.0, 2.0, 4.0)));
        assertThat(s.stream()).isFalse();
        assertThat(s.ignoreEos()).isFalse();
        assertThat(s.temperature()).isNull();
        assertThat(s.extraBody()).containsEntry("top_k", 1);
    }

    @Test
    void aPathAsDatasetIsAPromptFileAndAgentTakesItsOptions() throws Exception {
        Path f = dir.resolve("p.jsonl");
        Files.writeString(f, "{\"prompt\": \"hi\"}\n");
        assertThat(parse("--url", "http://h:1", "--dataset", f.toString()).toSpec().dataset().path()).isEqualTo(f);
        var agent = parse("--url", "http://h:1", "--dataset", "agent", "--turns", "6", "--system-len", "500").toSpec().dataset();
        assertThat(agent.kind()).isEqualTo(DatasetSpec.Kind.AGENT);
        assertThat(agent.turns()).isEqualTo(6);
        assertThat(agent.systemLen()).isEqualTo(500);
    }

    @Test
    void badOptionsAreUsageErrorsNamingTheProblem() {
        assertThat(run("--url", "http://h:1", "--prompt-len", "x")).startsWith("2|").contains("N or MIN:MAX");
        assertThat(run("--url", "http://h:1", "--dataset", "nope")).startsWith("2|").contains("random, file, agent");
        assertThat(run("--url", "http://h:1", "--sweep", "threads=1,2")).startsWith("2|").contains("concurrency or request-rate");
        assertThat(run("--url", "http://h:1", "--slo", "ttft=fast")).startsWith("2|").contains("milliseconds");
        assertThat(run("--url", "ftp://h:1")).startsWith("2|").contains("http://HOST:PORT");
    }

    @Test
    void anUnreachableServerEndsAtOnceWithAClearMessage() throws Exception {
        int port;
        try (ServerSocket s = new ServerSocket(0, 1, java.net.InetAddress.getLoopbackAddress())) {
            port = s.getLocalPort();
        }
        String r = run("--url", "http://127.0.0.1:" + port, "--quiet");
        assertThat(r).startsWith("1|").contains("hearth bench: error: cannot reach http://127.0.0.1:" + port + "/v1/models")
                .contains("cannot connect");
    }

    /** Runs {@code hearth bench serve ARGS}; returns "exit|stderr". */
    static String run(String... args) {
        StringWriter err = new StringWriter();
        String[] all = new String[args.length + 2];
        all[0] = "bench";
        all[1] = "serve";
        System.arraycopy(args, 0, all, 2, args.length);
        CommandLine cl = new CommandLine(new Main());
        cl.setErr(new PrintWriter(err, true));
        cl.setOut(new PrintWriter(new StringWriter(), true));
        int code = cl.execute(all);
        return code + "|" + err;
    }
}
