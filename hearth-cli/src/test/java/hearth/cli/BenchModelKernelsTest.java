package hearth.cli;

import static org.assertj.core.api.Assertions.assertThat;

import hearth.bench.ModelBench;
import hearth.engine.TestData;
import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;
import picocli.CommandLine;

/** {@code hearth bench model --kernels}: the pp and tg tests' mat-mul time by weight type, beside the speed table. */
class BenchModelKernelsTest {
    @Test
    void eachTestGetsOneRowPerWeightTypeWithItsBytesPerToken() throws Exception {
        Path model = TestData.require("models/stories260K-pad256-Q4_0.gguf");
        ModelBench.Report report = new ModelBench(model, 8, 16, 2, List.of(0), List.of(1)).withKernels().report(List.of(2));
        assertThat(report.rows()).extracting(ModelBench.Row::test).containsExactly("pp8", "tg16");
        List<ModelBench.KernelRow> kernels = report.kernels();
        assertThat(kernels).isNotEmpty().allSatisfy(k -> {
            assertThat(k.test()).isIn("pp8", "tg16");
            assertThat(k.sectionsPerToken()).isPositive();
            assertThat(k.msPerToken()).isPositive();
            assertThat(k.gigabytesPerSecond()).isPositive();
            assertThat(k.shareOfStep()).isPositive().isLessThanOrEqualTo(1.0);
        });
        // every forward pass reads every weight matrix once: the types' MiB per token add up to the matrices' size,
        // over the prompt's 8 tokens in the pp test (one pass for all of them)
        for (String test : List.of("pp8", "tg16")) {
            List<ModelBench.KernelRow> rows = kernels.stream().filter(k -> k.test().equals(test)).toList();
            assertThat(rows).extracting(ModelBench.KernelRow::type).doesNotHaveDuplicates().contains("Q4_0");
            double mib = rows.stream().mapToDouble(ModelBench.KernelRow::mibPerToken).sum() * (test.equals("pp8") ? 8 : 1);
            assertThat(mib * 1048576).as(test).isBetween(0.5 * weightBytes(model), 1.0 * weightBytes(model));
            assertThat(rows.stream().mapToDouble(ModelBench.KernelRow::shareOfStep).sum()).isLessThanOrEqualTo(1.0);
        }
        assertThat(ModelBench.kernelMarkdown(kernels)).contains("| Q4_0 |", "| pp8 |", "| tg16 |", "GB/s");
        assertThat(ModelBench.kernelJson(kernels)).contains("\"type\": \"Q4_0\"", "\"gb_per_s\": ");
        // without the option: no profile
        assertThat(new ModelBench(model, 0, 4, 1).report(List.of(1)).kernels()).isEmpty();
    }

    @Test
    void theOptionPrintsBothTablesAndJsonGetsBothArrays() throws Exception {
        Path model = TestData.require("models/stories260K-pad256-Q4_0.gguf");
        assertThat(run("bench", "model", "-m", model.toString(), "-p", "0", "-n", "4", "-r", "1", "-t", "1", "--kernels"))
                .contains("| tg4 |", "| weights |", "| Q4_0 |");
        assertThat(run("bench", "model", "-m", model.toString(), "-p", "0", "-n", "4", "-r", "1", "-t", "1", "--kernels", "--json"))
                .startsWith("{\"tests\": [").contains("\"kernels\": [", "\"type\": \"Q4_0\"").endsWith("]}\n");
    }

    /** Bytes of the file's tensors that are matrices (two dimensions), what a forward pass multiplies by. */
    private static long weightBytes(Path model) throws Exception {
        try (var f = hearth.engine.gguf.GgufFile.open(model)) {
            return f.tensorInfos().keySet().stream().filter(n -> !n.equals("token_embd.weight")).map(f::tensor)
                    .filter(t -> t.shape().length == 2).mapToLong(t -> t.data().byteSize()).sum();
        }
    }

    private static String run(String... args) {
        PrintStream before = System.out;
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        System.setOut(new PrintStream(out, true, StandardCharsets.UTF_8));
        try {
            assertThat(new CommandLine(new Main()).execute(args)).isZero();
        } finally {
            System.setOut(before);
        }
        return out.toString(StandardCharsets.UTF_8);
    }
}
