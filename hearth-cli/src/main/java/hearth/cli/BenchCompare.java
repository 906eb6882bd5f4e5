package hearth.cli;

import hearth.bench.report.Compare;
import hearth.bench.report.JsonResult;
import java.io.IOException;
import java.nio.file.Path;
import java.util.concurrent.Callable;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Parameters;

/** {@code hearth bench compare A.json B.json}: two {@code bench serve --json} results side by side. */
@Command(name = "compare", mixinStandardHelpOptions = true,
        description = "Compare two 'hearth bench serve --json' results: figures side by side with B/A.")
final class BenchCompare implements Callable<Integer> {
    @CommandLine.Spec
    CommandLine.Model.CommandSpec spec;

    @Parameters(index = "0", paramLabel = "A.json")
    Path a;

    @Parameters(index = "1", paramLabel = "B.json")
    Path b;

    @Override
    public Integer call() {
        try {
            spec.commandLine().getOut().print(Compare.render(JsonResult.read(a), a.toString(), JsonResult.read(b), b.toString()));
            spec.commandLine().getOut().flush();
            return 0;
        } catch (IOException e) {
            spec.commandLine().getErr().println("hearth bench compare: " + e.getMessage());
            return 1;
        }
    }
}
