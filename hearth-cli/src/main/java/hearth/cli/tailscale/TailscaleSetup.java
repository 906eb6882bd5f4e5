package hearth.cli.tailscale;

import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;

/**
 * Where a rootless Tailscale keeps its things and how it is started: one state directory holds the node's
 * identity ({@code tailscaled.state}), the control socket, the daemon's pid file and log, so that a requeued job
 * that reuses the directory returns under the same name without a new auth key.
 *
 * @param socks5     host:port of the SOCKS5 and HTTP proxy tailscaled offers for outbound traffic to the tailnet
 * @param extraUp    more {@code tailscale up} arguments, as given (e.g. {@code --advertise-tags=tag:hearth})
 * @param upTimeout  passed as {@code tailscale up --timeout}; null = tailscale's own (wait for login)
 */
public record TailscaleSetup(Path stateDir, String hostname, String socks5, List<String> extraUp, Duration upTimeout) {
    public TailscaleSetup {
        stateDir = stateDir.toAbsolutePath().normalize();
        extraUp = List.copyOf(extraUp);
        if (!socks5.matches("[^\\s:]+:\\d{1,5}|\\[[0-9a-fA-F:.]+]:\\d{1,5}")) {
            throw new IllegalArgumentException("--socks5 must be HOST:PORT (e.g. localhost:1055), got '" + socks5 + "'");
        }
        if (hostname != null && !hostname.matches("[A-Za-z0-9]([A-Za-z0-9-]{0,61}[A-Za-z0-9])?")) {
            throw new IllegalArgumentException("--hostname must be a DNS label (letters, digits, '-', at most 63), got '" + hostname + "'");
        }
    }

    public Path socket() {
        return stateDir.resolve("tailscaled.sock");
    }

    public Path pidFile() {
        return stateDir.resolve("tailscaled.pid");
    }

    public Path log() {
        return stateDir.resolve("tailscaled.log");
    }

    /** The auth key is handed to {@code tailscale up} through this private file, never on a command line. */
    public Path keyFile() {
        return stateDir.resolve("authkey");
    }

    /**
     * The daemon in userspace networking: no {@code /dev/net/tun}, no kernel module, no root. Inbound TCP from the
     * tailnet reaches sockets listening on this host; outbound goes through the proxy on {@link #socks5}.
     */
    public List<String> daemon(String tailscaled) {
        return List.of(tailscaled, "--tun=userspace-networking", "--statedir=" + stateDir, "--socket=" + socket(),
                "--socks5-server=" + socks5, "--outbound-http-proxy-listen=" + socks5);
    }

    /**
     * {@code tailscale up}: DNS settings cannot be applied without root, so they are not accepted; the key (when there
     * is one) is read by the CLI from {@link #keyFile}.
     */
    public List<String> up(String tailscale, boolean withKey) {
        List<String> argv = new ArrayList<>(List.of(tailscale, "--socket=" + socket(), "up"));
        if (hostname != null) argv.add("--hostname=" + hostname);
        argv.add("--accept-dns=false");
        if (withKey) argv.add("--auth-key=file:" + keyFile());
        if (upTimeout != null) argv.add("--timeout=" + upTimeout.toSeconds() + "s");
        argv.addAll(extraUp);
        return List.copyOf(argv);
    }

    /** {@code down} keeps the node's identity for the next {@code up}; {@code logout} also removes it from the tailnet. */
    public List<String> down(String tailscale, boolean logout) {
        return List.of(tailscale, "--socket=" + socket(), logout ? "logout" : "down");
    }

    public List<String> status(String tailscale) {
        return List.of(tailscale, "--socket=" + socket(), "status", "--json");
    }

    /**
     * Variables that send a program's outbound traffic through tailscaled's proxy, as {@code export} lines for
     * {@code eval}; loopback stays direct so that Hearth's own engines are not proxied.
     */
    public List<String> proxyExports() {
        String socks = "socks5://" + socks5;
        String http = "http://" + socks5;
        String direct = "localhost,127.0.0.1,::1";
        return List.of("export ALL_PROXY=" + socks, "export all_proxy=" + socks, "export HTTP_PROXY=" + http,
                "export http_proxy=" + http, "export HTTPS_PROXY=" + http, "export https_proxy=" + http,
                "export NO_PROXY=" + direct, "export no_proxy=" + direct);
    }
}
