package hearth.cli.tailscale;

import java.io.DataInputStream;
import java.io.DataOutputStream;
import java.io.IOException;
import java.net.StandardProtocolFamily;
import java.net.UnixDomainSocketAddress;
import java.nio.channels.Channels;
import java.nio.channels.ServerSocketChannel;
import java.nio.channels.SocketChannel;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Properties;

/**
 * Plays {@code tailscaled} and the {@code tailscale} CLI (first argument: which) on their command-line contract,
 * the CLI talking to the daemon over the control socket as the real ones do.
 *
 * <p>tailscaled: Go-style flags ({@code -flag=value}; an unknown one is "flag provided but not defined", status 2);
 * without {@code --tun=userspace-networking} it fails as a non-root TUN does; it keeps its login in
 * {@code STATEDIR/tailscaled.state}, so a restart with the same state dir is logged in again; SIGTERM removes the
 * socket and ends it. tailscale: {@code --socket=PATH} before the subcommand; {@code up} (reads
 * {@code --auth-key=file:PATH} itself), {@code down}, {@code logout}, {@code status --json}; no daemon on the socket:
 * "failed to connect to local tailscaled", status 1.
 *
 * <p>Records (in {@code FAKE_TS_DIR}): {@code daemon.args} (one line per start), {@code daemon.env} (whether any
 * variable of the daemon but its knobs holds a "tskey-" value), {@code cli.log} (one line per call), {@code keyfile.mode},
 * {@code daemon.log} ("terminated" on SIGTERM). Knob {@code FAKE_TS_KEY}: the one auth key control accepts.
 */
public final class FakeTailscale {
    static Path dir;

    public static void main(String[] argv) throws Exception {
        dir = Path.of(System.getenv("FAKE_TS_DIR"));
        List<String> args = List.of(argv).subList(1, argv.length);
        if (argv[0].equals("tailscaled")) daemon(args);
        else System.exit(cli(args));
    }

    // ---- tailscaled ----

    static final List<String> DAEMON_FLAGS = List.of("tun", "statedir", "state", "socket", "socks5-server",
            "outbound-http-proxy-listen", "port", "verbose");

    static void daemon(List<String> args) throws Exception {
        record(dir.resolve("daemon.args"), String.join(" ", args));
        boolean keyInEnv = System.getenv().entrySet().stream().anyMatch(e -> !e.getKey().startsWith("FAKE_") && e.getValue().contains("tskey-"));
        record(dir.resolve("daemon.env"), "key in environment: " + keyInEnv);
        Map<String, String> f = goFlags(args, DAEMON_FLAGS);
        if (f == null) System.exit(2);
        if (!"userspace-networking".equals(f.get("tun"))) {
            System.err.println("wgengine.NewUserspaceEngine(tun \"tailscale0\") error: tstun.New(\"tailscale0\"): operation not permitted");
            System.exit(1);
        }
        if (f.get("statedir") == null) {
            System.err.println("mkdir /var/lib/tailscale: permission denied");
            System.exit(1);
        }
        Path socket = Path.of(f.getOrDefault("socket", "/var/run/tailscale/tailscaled.sock"));
        Path stateFile = Path.of(f.get("statedir"), "tailscaled.state");
        Properties state = new Properties();
        if (Files.exists(stateFile)) try (var in = Files.newInputStream(stateFile)) {
            state.load(in);
        }
        Files.deleteIfExists(socket);
        ServerSocketChannel server = ServerSocketChannel.open(StandardProtocolFamily.UNIX);
        server.bind(UnixDomainSocketAddress.of(socket));
        System.out.println("logtail started; tailscaled fake listening on " + socket);
        System.out.flush();
        Runtime.getRuntime().addShutdownHook(new Thread(() -> {
            try {
                Files.deleteIfExists(socket);
                record(dir.resolve("daemon.log"), "terminated");
            } catch (IOException ignored) {
                // best effort
            }
        }));
        while (true) {
            try (SocketChannel ch = server.accept()) {
                DataInputStream in = new DataInputStream(Channels.newInputStream(ch));
                DataOutputStream out = new DataOutputStream(Channels.newOutputStream(ch));
                String verb = in.readUTF();
                String arg = in.readUTF();
                String reply = handle(verb, arg, state);
                try (var o = Files.newOutputStream(stateFile)) {
                    state.store(o, null);
                }
                out.writeUTF(reply);
                out.flush();
            }
        }
    }

    /** One CLI request: returns "STATUS\nOUTPUT". */
    static String handle(String verb, String arg, Properties state) {
        boolean loggedIn = Boolean.parseBoolean(state.getProperty("loggedIn", "false"));
        switch (verb) {
            case "up" -> {
                String[] parts = arg.split("\n", -1); // key, hostname
                if (!parts[0].isEmpty()) {
                    String accepted = System.getenv("FAKE_TS_KEY");
                    if (!parts[0].startsWith("tskey-") || accepted != null && !accepted.equals(parts[0])) {
                        return "1\nbackend error: invalid key: unable to validate API key";
                    }
                    state.setProperty("loggedIn", "true");
                } else if (!loggedIn) {
                    return "1\nTo authenticate, visit:\n\n\thttps://login.tailscale.com/a/fake0123\n\ntimeout waiting for Running state";
                }
                if (!parts[1].isEmpty()) state.setProperty("hostname", parts[1]);
                state.setProperty("wantRunning", "true");
                return "0\n";
            }
            case "down" -> {
                state.setProperty("wantRunning", "false");
                return "0\n";
            }
            case "logout" -> {
                state.setProperty("loggedIn", "false");
                state.setProperty("wantRunning", "false");
                return "0\n";
            }
            case "status" -> {
                String s = !loggedIn ? "NeedsLogin" : Boolean.parseBoolean(state.getProperty("wantRunning")) ? "Running" : "Stopped";
                String host = state.getProperty("hostname", "fakehost");
                String ips = loggedIn ? "[\"100.64.0.7\",\"fd7a:115c:a1e0::7\"]" : "[]";
                return "0\n{\"Version\":\"1.80.0-fake\",\"BackendState\":\"" + s + "\",\"AuthURL\":\"" + (loggedIn ? "" : "https://login.tailscale.com/a/fake0123")
                        + "\",\"TailscaleIPs\":" + ips + ",\"Self\":{\"HostName\":\"" + host + "\",\"DNSName\":\"" + host
                        + ".tail-fake.ts.net.\",\"TailscaleIPs\":" + ips + ",\"Online\":" + s.equals("Running") + "}}";
            }
            default -> {
                return "1\nunknown verb " + verb;
            }
        }
    }

    // ---- tailscale ----

    static final List<String> UP_FLAGS = List.of("auth-key", "authkey", "hostname", "accept-dns", "timeout", "advertise-tags",
            "login-server", "accept-routes", "reset", "ssh");

    static int cli(List<String> args) throws IOException {
        record(dir.resolve("cli.log"), String.join(" ", args));
        List<String> rest = new ArrayList<>(args);
        String socket = "/var/run/tailscale/tailscaled.sock";
        while (!rest.isEmpty() && rest.getFirst().startsWith("-")) {
            String a = rest.removeFirst();
            if (a.startsWith("--socket=")) socket = a.substring(9);
            else {
                System.err.println("flag provided but not defined: " + a);
                return 2;
            }
        }
        if (rest.isEmpty()) {
            System.err.println("tailscale: missing subcommand");
            return 2;
        }
        String verb = rest.removeFirst();
        String payload = "";
        switch (verb) {
            case "up" -> {
                Map<String, String> f = goFlags(rest, UP_FLAGS);
                if (f == null) return 2;
                String key = f.getOrDefault("auth-key", f.getOrDefault("authkey", ""));
                if (key.startsWith("file:")) {
                    Path kf = Path.of(key.substring(5));
                    if (!Files.exists(kf)) {
                        System.err.println("open " + kf + ": no such file or directory");
                        return 1;
                    }
                    record(dir.resolve("keyfile.mode"), PosixFilePermissions.toString(Files.getPosixFilePermissions(kf)));
                    key = Files.readString(kf).strip();
                }
                payload = key + "\n" + f.getOrDefault("hostname", "");
            }
            case "down", "logout" -> { }
            case "status" -> {
                if (!rest.equals(List.of("--json"))) {
                    System.err.println("fake tailscale: only 'status --json'");
                    return 2;
                }
            }
            default -> {
                System.err.println("tailscale: unknown subcommand: " + verb);
                return 2;
            }
        }
        String reply;
        try (SocketChannel ch = SocketChannel.open(UnixDomainSocketAddress.of(socket))) {
            DataOutputStream out = new DataOutputStream(Channels.newOutputStream(ch));
            out.writeUTF(verb);
            out.writeUTF(payload);
            out.flush();
            reply = new DataInputStream(Channels.newInputStream(ch)).readUTF();
        } catch (IOException e) {
            System.err.println("failed to connect to local tailscaled; it doesn't appear to be running");
            return 1;
        }
        int nl = reply.indexOf('\n');
        int status = Integer.parseInt(reply.substring(0, nl));
        String text = reply.substring(nl + 1);
        if (!text.isEmpty()) (status == 0 ? System.out : System.err).println(text);
        return status;
    }

    /** Go's flag package: {@code -name=value} or {@code --name=value} (or {@code --name value}); null after an error. */
    static Map<String, String> goFlags(List<String> args, List<String> known) {
        Map<String, String> out = new LinkedHashMap<>();
        for (int i = 0; i < args.size(); i++) {
            String a = args.get(i);
            if (!a.startsWith("-")) {
                System.err.println("too many non-flag arguments: " + args.subList(i, args.size()));
                return null;
            }
            String body = a.replaceFirst("^--?", "");
            int eq = body.indexOf('=');
            String name = eq < 0 ? body : body.substring(0, eq);
            if (!known.contains(name)) {
                System.err.println("flag provided but not defined: -" + name);
                return null;
            }
            out.put(name, eq >= 0 ? body.substring(eq + 1) : i + 1 < args.size() && !args.get(i + 1).startsWith("-") ? args.get(++i) : "true");
        }
        return out;
    }

    static synchronized void record(Path file, String line) throws IOException {
        Files.writeString(file, line + "\n", StandardOpenOption.CREATE, StandardOpenOption.APPEND);
    }

    /** An executable {@code dir/name} running this class as {@code name}, its knobs exported. */
    public static Path install(Path binDir, String name, Path fakeDir, Map<String, String> knobs) throws IOException {
        String java = Path.of(System.getProperty("java.home"), "bin", "java").toString();
        StringBuilder sb = new StringBuilder("#!/bin/sh\nexport FAKE_TS_DIR='" + fakeDir + "'\n");
        knobs.forEach((k, v) -> sb.append("export ").append(k).append("='").append(v).append("'\n"));
        sb.append("exec '").append(java).append("' -XX:TieredStopAtLevel=1 -XX:+UseSerialGC -cp '")
                .append(Path.of(FakeTailscale.class.getProtectionDomain().getCodeSource().getLocation().getPath())).append("' ").append(FakeTailscale.class.getName())
                .append(" '").append(name).append("' \"$@\"\n");
        Path p = binDir.resolve(name);
        Files.writeString(p, sb.toString());
        Files.setPosixFilePermissions(p, PosixFilePermissions.fromString("rwxr-xr-x"));
        return p;
    }
}
