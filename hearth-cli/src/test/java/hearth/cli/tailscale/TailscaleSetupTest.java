package hearth.cli.tailscale;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import org.junit.jupiter.api.Test;

/** The command lines of a rootless Tailscale, word by word. */
class TailscaleSetupTest {
    static final Path STATE = Path.of("/scratch/ada/.tailscale-state");

    static TailscaleSetup setup(List<String> extra, Duration timeout) {
        return new TailscaleSetup(STATE, "hpc-glm5", "localhost:1055", extra, timeout);
    }

    @Test
    void theDaemonRunsInUserspaceWithEverythingInTheStateDir() {
        assertThat(setup(List.of(), null).daemon("/opt/ts/tailscaled")).containsExactly("/opt/ts/tailscaled",
                "--tun=userspace-networking", "--statedir=/scratch/ada/.tailscale-state",
                "--socket=/scratch/ada/.tailscale-state/tailscaled.sock", "--socks5-server=localhost:1055",
                "--outbound-http-proxy-listen=localhost:1055");
    }

    @Test
    void upNamesTheNodeRefusesDnsAndReadsTheKeyFromTheFile() {
        assertThat(setup(List.of(), null).up("tailscale", true)).containsExactly("tailscale",
                "--socket=/scratch/ada/.tailscale-state/tailscaled.sock", "up", "--hostname=hpc-glm5", "--accept-dns=false",
                "--auth-key=file:/scratch/ada/.tailscale-state/authkey");
        assertThat(setup(List.of(), null).up("tailscale", false)).noneMatch(a -> a.startsWith("--auth-key"));
    }

    @Test
    void aTimeoutAndExtraArgumentsComeLast() {
        assertThat(setup(List.of("--advertise-tags=tag:hearth"), Duration.ofSeconds(90)).up("ts", true))
                .endsWith("--timeout=90s", "--advertise-tags=tag:hearth");
    }

    @Test
    void downKeepsTheIdentityAndLogoutDropsIt() {
        assertThat(setup(List.of(), null).down("ts", false)).containsExactly("ts", "--socket=" + STATE.resolve("tailscaled.sock"), "down");
        assertThat(setup(List.of(), null).down("ts", true)).containsExactly("ts", "--socket=" + STATE.resolve("tailscaled.sock"), "logout");
        assertThat(setup(List.of(), null).status("ts")).containsExactly("ts", "--socket=" + STATE.resolve("tailscaled.sock"), "status", "--json");
    }

    @Test
    void theProxyVariablesLeaveLoopbackDirect() {
        assertThat(setup(List.of(), null).proxyExports()).contains("export ALL_PROXY=socks5://localhost:1055",
                "export HTTP_PROXY=http://localhost:1055", "export https_proxy=http://localhost:1055",
                "export NO_PROXY=localhost,127.0.0.1,::1");
    }

    @Test
    void aRelativeStateDirIsMadeAbsoluteForTheDaemon() {
        TailscaleSetup s = new TailscaleSetup(Path.of(".tailscale-state"), null, "127.0.0.1:1080", List.of(), null);
        assertThat(s.stateDir()).isAbsolute();
        assertThat(s.up("ts", false)).noneMatch(a -> a.startsWith("--hostname"));
    }

    @Test
    void badProxyAddressesAndHostnamesAreRefused() {
        assertThatThrownBy(() -> new TailscaleSetup(STATE, "x", "1055", List.of(), null)).hasMessageContaining("--socks5 must be HOST:PORT");
        assertThatThrownBy(() -> new TailscaleSetup(STATE, "hpc_glm5", "localhost:1055", List.of(), null))
                .hasMessageContaining("--hostname must be a DNS label");
    }

    @Test
    void theStatusJsonIsRead() {
        TailscaleState st = TailscaleState.parse("""
                {"Version":"1.80.2","BackendState":"Running","AuthURL":"","TailscaleIPs":["100.101.102.103"],
                 "Self":{"HostName":"hpc-glm5","DNSName":"hpc-glm5.tail1234.ts.net.","TailscaleIPs":["100.101.102.103","fd7a:115c:a1e0::1"]}}
                """);
        assertThat(st.running()).isTrue();
        assertThat(st.hostName()).isEqualTo("hpc-glm5");
        assertThat(st.dnsName()).isEqualTo("hpc-glm5.tail1234.ts.net");
        assertThat(st.addresses()).containsExactly("100.101.102.103", "fd7a:115c:a1e0::1");
        assertThat(TailscaleState.parse("{\"BackendState\":\"NeedsLogin\",\"AuthURL\":\"https://login.tailscale.com/a/x\"}").running()).isFalse();
        assertThatThrownBy(() -> TailscaleState.parse("failed to connect")).isInstanceOf(IllegalArgumentException.class);
    }
}
