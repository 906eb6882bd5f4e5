package hearth.cli;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import hearth.bench.ModelBench;
import hearth.engine.TestData;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;
import picocli.CommandLine;

/** {@code hearth bench model -d}: the tests again after a context of each depth, named as llama-bench names them. */
class BenchModelDepthTest {
    @Test
    void eachDepthGetsItsOwnPpAndTgRows() throws Exception {
        Path model = TestData.require("models/stories260K.gguf");
        List<ModelBench.Row> rows = new ModelBench(model, 8, 4, 1, List.of(0, 48), List.of(1)).run(List.of(1));
        assertThat(rows).extracting(ModelBench.Row::test).containsExactly("pp8", "tg4", "pp8 @ d48", "tg4 @ d48");
        assertThat(rows).allSatisfy(r -> assertThat(r.mean()).as(r.test()).isPositive());
    }

    @Test
    void theOptionTakesAListAndNegativeDepthsAreRefused() {
        var cmd = new BenchCommand.Model();
        new CommandLine(cmd).parseArgs("-m", "x.gguf", "-d", "0,2048");
        assertThat(cmd.depths).containsExactly(0, 2048);
        var plain = new BenchCommand.Model();
        new CommandLine(plain).parseArgs("-m", "x.gguf");
        assertThat(plain.depths).containsExactly(0);
        assertThatThrownBy(() -> new ModelBench(Path.of("x.gguf"), 8, 4, 1, List.of(0, -1), List.of(1)))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("depths must be >= 0");
    }
}
