package hearth.cli;

import hearth.bench.ModelBench;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/** {@code hearth bench}: measurements. */
@Command(name = "bench", description = "Benchmarks.", mixinStandardHelpOptions = true,
        subcommands = {BenchCommand.Model.class, BenchServe.class, BenchCompare.class})
final class BenchCommand implements Runnable {
    @picocli.CommandLine.Spec
    picocli.CommandLine.Model.CommandSpec spec;

    @Override
    public void run() {
        spec.commandLine().usage(System.out);
    }

    /** {@code hearth bench model}: llama-bench-style pp/tg table for the embedded engine. */
    @Command(name = "model", description = "Prompt-processing and generation speed of a GGUF model (like llama-bench).",
            mixinStandardHelpOptions = true)
    static final class Model implements Callable<Integer> {
        @Option(names = {"-m", "--model"}, required = true, description = "GGUF file")
        Path model;

        @Option(names = {"-p", "--n-prompt"}, defaultValue = "128", description = "prompt tokens (pp test; 0 = skip)")
        int prompt;

        @Option(names = {"-n", "--n-gen"}, defaultValue = "64", description = "generated tokens (tg test; 0 = skip)")
        int gen;

        @Option(names = {"-r", "--repetitions"}, defaultValue = "3", description = "repetitions per test")
        int reps;

        @Option(names = {"-t", "--threads"}, split = ",", description = "thread counts, e.g. 1,2 (default: all cores)")
        List<Integer> threads;

        @Option(names = {"-d", "--n-depth"}, split = ",", defaultValue = "0",
                description = "context depths to run the tests at, e.g. 0,2048 (tokens already in the context)")
        List<Integer> depths;

        @Option(names = {"-npl", "--n-parallel"}, split = ",", defaultValue = "1",
                description = "sequences generating together, e.g. 1,4 (llama-batched-bench's -npl): each count above 1 adds"
                        + " a test 'tgN xS' with their aggregate tokens/s")
        List<Integer> sequences;

        @Option(names = "--json", description = "print JSON instead of the markdown table")
        boolean json;

        @Option(names = "--kernels", description = "also time the pp and tg tests' mat-muls by weight type (second table: MiB and"
                + " ms per token, GB/s, share of the step); with --json, prints {\"tests\": [...], \"kernels\": [...]}")
        boolean kernels;

        @Override
        public Integer call() throws Exception {
            List<Integer> t = threads == null || threads.isEmpty() ? List.of(Runtime.getRuntime().availableProcessors()) : threads;
            ModelBench bench = new ModelBench(model, prompt, gen, reps, depths, sequences);
            if (!kernels) {
                var rows = bench.run(t);
                System.out.print(json ? ModelBench.json(rows) : ModelBench.markdown(rows));
                return 0;
            }
            var report = bench.withKernels().report(t);
            if (json) {
                System.out.print("{\"tests\": " + ModelBench.json(report.rows()).strip() + ",\n\"kernels\": "
                        + ModelBench.kernelJson(report.kernels()).strip() + "}\n");
            } else {
                System.out.print(ModelBench.markdown(report.rows()) + "\n" + ModelBench.kernelMarkdown(report.kernels()));
            }
            return 0;
        }
    }
}
