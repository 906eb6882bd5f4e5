package hearth.cli;

import hearth.cli.tailscale.Tailscale;
import hearth.cli.tailscale.TailscaleEnv;
import hearth.cli.tailscale.TailscaleSetup;
import java.io.IOException;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.Callable;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;
import picocli.CommandLine.ParentCommand;

/**
 * {@code hearth tailscale up|down|status}: Tailscale without root (userspace networking), the same setup as
 * {@code deploy/tailscale/up.sh} and {@code down.sh} and read from the same variables.
 */
@Command(name = "tailscale", mixinStandardHelpOptions = true,
        description = {"Join or leave the tailnet without root: tailscaled in userspace networking mode, state kept in one directory.",
                "Options also come from the variables the deploy/tailscale scripts read (TS_STATE_DIR, TS_HOSTNAME, TS_SOCKS5,"
                        + " TS_EXTRA_ARGS, TS_LOGOUT, TAILSCALED, TAILSCALE), from the environment or ./.env."},
        subcommands = {TailscaleCommand.Up.class, TailscaleCommand.Down.class, TailscaleCommand.Status.class})
final class TailscaleCommand implements Runnable {
    /** The variables behind each option, by its long name. */
    static final Map<String, List<String>> VARIABLES = Map.of(
            "--state-dir", List.of("TS_STATE_DIR"), "--hostname", List.of("TS_HOSTNAME"), "--socks5", List.of("TS_SOCKS5"),
            "--extra-args", List.of("TS_EXTRA_ARGS"), "--logout", List.of("TS_LOGOUT"), "--tailscaled", List.of("TAILSCALED"),
            "--tailscale", List.of("TAILSCALE"), "--auth-key-file", List.of("TS_AUTHKEY_FILE"));

    final TailscaleEnv env;
    final PrintStream out;
    final PrintStream err;

    @CommandLine.Spec
    CommandLine.Model.CommandSpec spec;

    TailscaleCommand() {
        this(new TailscaleEnv(System.getenv(), DotEnv.read(Path.of(".env"))), new PrintStream(System.out, true, StandardCharsets.UTF_8),
                new PrintStream(System.err, true, StandardCharsets.UTF_8));
    }

    TailscaleCommand(TailscaleEnv env, PrintStream out, PrintStream err) {
        this.env = env;
        this.out = out;
        this.err = err;
    }

    /** This command with its subcommands reading {@code env} (tests; {@link Main} uses the process environment). */
    static CommandLine commandLine(TailscaleEnv env, PrintStream out, PrintStream err) {
        CommandLine cl = new CommandLine(new TailscaleCommand(env, out, err));
        cl.setDefaultValueProvider(new Defaults(env));
        return cl;
    }

    @Override
    public void run() {
        spec.commandLine().usage(out);
    }

    /** Option defaults from {@link #VARIABLES}; {@code TS_LOGOUT=1} counts as true. */
    public static final class Defaults implements CommandLine.IDefaultValueProvider {
        private final TailscaleEnv env;

        public Defaults() {
            this(new TailscaleEnv(System.getenv(), DotEnv.read(Path.of(".env"))));
        }

        Defaults(TailscaleEnv env) {
            this.env = env;
        }

        @Override
        public String defaultValue(CommandLine.Model.ArgSpec arg) {
            if (!(arg instanceof CommandLine.Model.OptionSpec o)) return null;
            for (String name : VARIABLES.getOrDefault(o.longestName(), List.of())) {
                var v = env.get(name);
                if (v.isPresent()) return o.type() == boolean.class ? bool(v.get()) : v.get();
            }
            return null;
        }

        private static String bool(String v) {
            return switch (v.strip().toLowerCase(Locale.ROOT)) {
                case "1", "true", "yes", "on" -> "true";
                default -> "false";
            };
        }
    }

    /** What every subcommand needs to find the daemon. */
    static final class Where {
        @Option(names = "--state-dir", defaultValue = "./.tailscale-state",
                description = "state, control socket, pid file and log; keep it across jobs (default ${DEFAULT-VALUE}; TS_STATE_DIR)")
        Path stateDir;

        @Option(names = "--socks5", defaultValue = "localhost:1055",
                description = "HOST:PORT of the SOCKS5 and HTTP proxy for outbound traffic (default ${DEFAULT-VALUE}; TS_SOCKS5)")
        String socks5;

        @Option(names = "--hostname", description = "name on the tailnet (default: hearth-<short host name>; TS_HOSTNAME)")
        String hostname;

        @Option(names = "--tailscaled", defaultValue = "tailscaled", description = "the daemon program (default: from PATH; TAILSCALED)")
        String tailscaled;

        @Option(names = "--tailscale", defaultValue = "tailscale", description = "the CLI program (default: from PATH; TAILSCALE)")
        String tailscale;

        Tailscale open(TailscaleCommand parent, List<String> extraUp, Duration upTimeout) {
            TailscaleSetup setup = new TailscaleSetup(stateDir, hostname != null ? hostname : defaultHostname(parent.env), socks5,
                    extraUp, upTimeout);
            return new Tailscale(setup, parent.env, tailscaled, tailscale, parent.out, parent.err);
        }
    }

    @Command(name = "up", mixinStandardHelpOptions = true, defaultValueProvider = Defaults.class,
            description = {"Start tailscaled (userspace networking, in the background) unless it runs, and join the tailnet.",
                    "The auth key comes from TS_AUTHKEY or TAILSCALE_AUTHKEY (environment or ./.env) or --auth-key-file, and is"
                            + " handed over through a private file, never a command line. Prints export lines for the outbound"
                            + " proxy: eval \"$(hearth tailscale up)\"."})
    static final class Up implements Callable<Integer> {
        @ParentCommand
        TailscaleCommand parent;

        @Mixin
        Where where;

        @Option(names = "--auth-key-file", description = "file holding the auth key (TS_AUTHKEY_FILE)")
        Path authKeyFile;

        @Option(names = "--extra-args", description = "more 'tailscale up' arguments, e.g. --advertise-tags=tag:hearth (TS_EXTRA_ARGS)")
        String extraArgs;

        @Option(names = "--timeout", description = "seconds 'tailscale up' may take to be running (default: wait for the login)")
        Long timeoutSeconds;

        @Option(names = "--daemon-wait", defaultValue = "15", description = "seconds tailscaled may take to open its socket (default ${DEFAULT-VALUE})")
        long daemonWait;

        @Override
        public Integer call() throws IOException, InterruptedException {
            try {
                List<String> extra = extraArgs == null || extraArgs.isBlank() ? List.of() : List.of(extraArgs.strip().split("\\s+"));
                Tailscale ts = where.open(parent, extra, timeoutSeconds == null ? null : Duration.ofSeconds(timeoutSeconds));
                return ts.up(parent.env.authKey(authKeyFile), Duration.ofSeconds(daemonWait));
            } catch (IllegalArgumentException e) {
                parent.err.println("hearth tailscale up: " + e.getMessage());
                return 2;
            }
        }
    }

    @Command(name = "down", mixinStandardHelpOptions = true, defaultValueProvider = Defaults.class,
            description = "Leave the tailnet (the identity stays in the state dir) and stop tailscaled.")
    static final class Down implements Callable<Integer> {
        @ParentCommand
        TailscaleCommand parent;

        @Mixin
        Where where;

        @Option(names = "--logout", description = "log out instead: the node is removed from the tailnet (TS_LOGOUT=1)")
        boolean logout;

        @Option(names = "--stop-grace", defaultValue = "10", description = "seconds tailscaled gets after SIGTERM before SIGKILL (default ${DEFAULT-VALUE})")
        long stopGrace;

        @Override
        public Integer call() throws IOException, InterruptedException {
            try {
                return where.open(parent, List.of(), null).down(logout, Duration.ofSeconds(stopGrace));
            } catch (IllegalArgumentException e) {
                parent.err.println("hearth tailscale down: " + e.getMessage());
                return 2;
            }
        }
    }

    @Command(name = "status", mixinStandardHelpOptions = true, defaultValueProvider = Defaults.class,
            description = "Show whether tailscaled runs and the node's tailnet state; exit 0 only when it is Running.")
    static final class Status implements Callable<Integer> {
        @ParentCommand
        TailscaleCommand parent;

        @Mixin
        Where where;

        @Override
        public Integer call() throws IOException, InterruptedException {
            try {
                return where.open(parent, List.of(), null).status();
            } catch (IllegalArgumentException e) {
                parent.err.println("hearth tailscale status: " + e.getMessage());
                return 2;
            }
        }
    }

    /** {@code hearth-<short host name>}, made a valid DNS label. */
    static String defaultHostname(TailscaleEnv env) {
        String host = env.get("SLURMD_NODENAME").orElse(null);
        if (host == null) {
            try {
                host = Files.readString(Path.of("/proc/sys/kernel/hostname")).strip();
            } catch (IOException e) {
                try {
                    host = java.net.InetAddress.getLocalHost().getHostName();
                } catch (IOException e2) {
                    host = "";
                }
            }
        }
        String shortName = host.split("\\.")[0].toLowerCase(Locale.ROOT).replaceAll("[^a-z0-9-]", "-").replaceAll("^-+|-+$", "");
        String name = shortName.isEmpty() ? "hearth" : "hearth-" + shortName;
        return name.length() > 63 ? name.substring(0, 63).replaceAll("-+$", "") : name;
    }
}
