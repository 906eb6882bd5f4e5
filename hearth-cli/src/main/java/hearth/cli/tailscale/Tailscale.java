package hearth.cli.tailscale;

import hearth.cli.tailscale.TailscaleEnv.AuthKey;
import java.io.IOException;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.time.Duration;
import java.util.Optional;

/**
 * {@code up}, {@code down} and {@code status} of a rootless Tailscale: the work behind {@code hearth tailscale}.
 * Messages go to {@code err}; {@code out} gets only what a caller may {@code eval} ({@code up}) or read
 * ({@code status}). The auth key is written to a private file for {@code tailscale up} and removed right after;
 * it appears on no command line, in no message and in no child's environment.
 */
public final class Tailscale {
    /** How the command ended: 0 ok, 1 failed, 127 a program is missing. */
    public static final int OK = 0;
    public static final int FAILED = 1;
    public static final int NOT_FOUND = 127;

    private static final Duration CLI_WAIT = Duration.ofSeconds(30);

    private final TailscaleSetup setup;
    private final TailscaleEnv env;
    private final String tailscaled;
    private final String tailscale;
    private final PrintStream out;
    private final PrintStream err;
    private final TailscaleDaemon daemon;

    /** @param tailscaled, tailscale the programs: a path, or a name looked up on the environment's PATH */
    public Tailscale(TailscaleSetup setup, TailscaleEnv env, String tailscaled, String tailscale, PrintStream out, PrintStream err) {
        this.setup = setup;
        this.env = env;
        this.tailscaled = tailscaled;
        this.tailscale = tailscale;
        this.out = out;
        this.err = err;
        this.daemon = new TailscaleDaemon(setup);
    }

    public int up(Optional<AuthKey> key, Duration daemonWait) throws IOException, InterruptedException {
        Optional<Path> daemonBin = find(tailscaled, "tailscaled", "--tailscaled", "TAILSCALED");
        Optional<Path> cliBin = find(tailscale, "tailscale", "--tailscale", "TAILSCALE");
        if (daemonBin.isEmpty() || cliBin.isEmpty()) return NOT_FOUND;
        Files.createDirectories(setup.stateDir());
        Files.setPosixFilePermissions(setup.stateDir(), PosixFilePermissions.fromString("rwx------"));

        Optional<ProcessHandle> running = daemon.running();
        if (running.isPresent()) {
            err.println("tailscaled already running (pid " + running.get().pid() + ")");
        } else {
            daemon.cleanUp();
            try {
                ProcessHandle h = daemon.start(setup.daemon(daemonBin.get().toString()), env.childEnvironment(), daemonWait);
                err.println("started tailscaled (pid " + h.pid() + ", userspace networking), log " + setup.log());
            } catch (IOException e) {
                err.println("hearth tailscale up: " + e.getMessage());
                return FAILED;
            }
        }
        if (key.isEmpty()) {
            err.println("no auth key (TS_AUTHKEY, TAILSCALE_AUTHKEY or --auth-key-file): rejoining with the identity saved in "
                    + setup.stateDir() + ", if any; otherwise tailscale up prints a login URL");
        }
        Cli.Result r;
        try {
            if (key.isPresent()) writeKey(key.get());
            r = Cli.run(setup.up(cliBin.get().toString(), key.isPresent()), env.childEnvironment(), err, null, true);
        } finally {
            Files.deleteIfExists(setup.keyFile());
        }
        if (r.status() != 0) {
            err.println("hearth tailscale up: tailscale up failed (status " + r.status() + "); tailscaled keeps running"
                    + " (hearth tailscale status, hearth tailscale down)");
            return FAILED;
        }
        err.println("tailscale up as " + (setup.hostname() == null ? "this host" : setup.hostname())
                + " (userspace networking); state in " + setup.stateDir());
        err.println("inbound: tailnet peers reach services listening on this node; outbound to the tailnet: eval \"$(hearth tailscale up)\""
                + " or set the variables below");
        out.println("# outbound through tailscaled's proxy (SOCKS5 and HTTP on " + setup.socks5() + ")");
        setup.proxyExports().forEach(out::println);
        return OK;
    }

    /** {@code tailscale down} (or {@code logout}), then the daemon is stopped; harmless when nothing runs. */
    public int down(boolean logout, Duration grace) throws IOException, InterruptedException {
        Optional<ProcessHandle> running = daemon.running();
        if (running.isEmpty()) {
            boolean stale = daemon.pidFromFile().isPresent();
            daemon.cleanUp();
            err.println("no tailscaled running for " + setup.stateDir() + (stale ? " (removed a stale pid file)" : ""));
            return OK;
        }
        Optional<Path> cliBin = Executables.find(tailscale, path());
        if (cliBin.isEmpty()) {
            err.println("warning: " + tailscale + " not found; stopping tailscaled without " + (logout ? "logging out" : "tailscale down"));
        } else if (Files.exists(setup.socket())) {
            try {
                Cli.Result r = Cli.run(setup.down(cliBin.get().toString(), logout), env.childEnvironment(), err, CLI_WAIT, true);
                if (r.status() != 0) err.println("warning: tailscale " + (logout ? "logout" : "down") + " failed (status " + r.status() + ")");
                else err.println(logout ? "logged out: the node is removed from the tailnet" : "left the tailnet (identity kept in " + setup.stateDir() + ")");
            } catch (IOException e) {
                err.println("warning: " + e.getMessage());
            }
        }
        err.println(daemon.stop(running.get(), grace));
        return OK;
    }

    /** Prints the daemon's and the node's state; 0 when the node is on the tailnet. */
    public int status() throws IOException, InterruptedException {
        Optional<ProcessHandle> running = daemon.running();
        out.println("tailscale (userspace networking), state dir " + setup.stateDir());
        if (running.isEmpty()) {
            out.println("  daemon     not running");
            if (Files.exists(setup.stateDir().resolve("tailscaled.state"))) {
                out.println("  identity   saved: hearth tailscale up rejoins without an auth key");
            }
            return FAILED;
        }
        out.println("  daemon     running (pid " + running.get().pid() + "), socket " + setup.socket());
        Optional<Path> cliBin = find(tailscale, "tailscale", "--tailscale", "TAILSCALE");
        if (cliBin.isEmpty()) return NOT_FOUND;
        TailscaleState st;
        try {
            Cli.Result r = Cli.run(setup.status(cliBin.get().toString()), env.childEnvironment(), err, CLI_WAIT, false);
            st = TailscaleState.parse(r.out());
        } catch (IOException | IllegalArgumentException e) {
            out.println("  state      unknown (" + e.getMessage() + ")");
            return FAILED;
        }
        out.println("  state      " + st.backendState());
        if (!st.hostName().isEmpty()) out.println("  hostname   " + st.hostName() + (st.dnsName().isEmpty() ? "" : " (" + st.dnsName() + ")"));
        if (!st.addresses().isEmpty()) out.println("  addresses  " + String.join(", ", st.addresses()));
        if (!st.authUrl().isEmpty()) out.println("  log in at  " + st.authUrl());
        out.println("  proxy      ALL_PROXY=socks5://" + setup.socks5() + " HTTP_PROXY=http://" + setup.socks5());
        return st.running() ? OK : FAILED;
    }

    private String path() {
        return env.get("PATH").orElse(null);
    }

    private Optional<Path> find(String program, String name, String flag, String variable) {
        Optional<Path> p = Executables.find(program, path());
        if (p.isEmpty()) {
            err.println("hearth tailscale: " + (program.contains("/") ? program + " is not an executable file"
                    : name + " not found on PATH") + ". Install Tailscale (its static Linux binaries need no root;"
                    + " or nix develop ./deploy/nix), or name the program with " + flag + " PATH or " + variable + "=PATH.");
        }
        return p;
    }

    /** The key file is created readable by its owner only, before the key is written into it. */
    private void writeKey(AuthKey key) throws IOException {
        Files.deleteIfExists(setup.keyFile());
        Files.createFile(setup.keyFile(), PosixFilePermissions.asFileAttribute(PosixFilePermissions.fromString("rw-------")));
        Files.writeString(setup.keyFile(), key.value(), StandardCharsets.UTF_8);
    }
}
