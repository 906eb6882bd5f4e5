package hearth.cli;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import picocli.CommandLine;

/** {@code hearth bench compare} prints two results side by side, or says why it cannot. */
class BenchCompareTest {
    @TempDir
    Path dir;

    static final String RESULT = """
            {"format": "hearth-bench-serve/1", "parameters": {"model": "%s", "url": "http://127.0.0.1:1"},
             "runs": [{"coordinate": {}, "summary": {"load": "concurrency 1", "completed": 10, "failed": 0,
                       "output_throughput": %s, "ttft_ms": {"mean": %s}}}]}
            """;

    @Test
    void twoResultsArePrintedWithRatios() throws Exception {
        Path a = dir.resolve("a.json"), b = dir.resolve("b.json");
        Files.writeString(a, RESULT.formatted("hearth", "100", "50"));
        Files.writeString(b, RESULT.formatted("vllm", "300", "25"));
        StringWriter out = new StringWriter();
        CommandLine cl = new CommandLine(new Main());
        cl.setOut(new PrintWriter(out, true));
        assertThat(cl.execute("bench", "compare", a.toString(), b.toString())).isZero();
        String text = out.toString();
        assertThat(text).contains("hearth").contains("vllm");
        assertThat(text.lines().filter(l -> l.startsWith("output throughput")).findFirst().orElseThrow()).contains("3.000x").contains("B better");
        assertThat(text.lines().filter(l -> l.startsWith("TTFT mean")).findFirst().orElseThrow()).contains("0.500x").contains("B better");
    }

    @Test
    void aFileThatIsNoResultIsRefused() throws Exception {
        Path a = dir.resolve("a.json");
        Files.writeString(a, "{}");
        StringWriter err = new StringWriter();
        CommandLine cl = new CommandLine(new Main());
        cl.setErr(new PrintWriter(err, true));
        assertThat(cl.execute("bench", "compare", a.toString(), a.toString())).isEqualTo(1);
        assertThat(err.toString()).contains("not a 'hearth bench serve --json' result");
    }
}
