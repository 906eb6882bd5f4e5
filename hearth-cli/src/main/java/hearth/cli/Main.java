package hearth.cli;

import picocli.CommandLine;
import picocli.CommandLine.Command;

/** The {@code hearth} command: every subcommand is listed here. */
@Command(name = "hearth", mixinStandardHelpOptions = true, version = "hearth 0.1.0",
        description = "Self-hosted LLM server for coding agents.",
        subcommands = {RunCommand.class, ServeCommand.class, PullCommand.class, ModelsCommand.class, GatewayCommand.class,
                BenchCommand.class, HealthCommand.class, TailscaleCommand.class})
public final class Main implements Runnable {
    @CommandLine.Spec
    CommandLine.Model.CommandSpec spec;

    @Override
    public void run() {
        spec.commandLine().usage(System.out);
    }

    public static void main(String[] args) {
        CommandLine hearth = new CommandLine(new Main());
        ServeCommand.prepare(hearth, args);
        System.exit(hearth.execute(args));
    }
}
