package hearth.server.deploy;

import static org.assertj.core.api.Assertions.assertThat;

import hearth.server.cluster.RepoDirs;
import hearth.server.fakes.FakeTailscaled;
import hearth.server.fakes.Fakes;
import hearth.server.fakes.Run;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** deploy/tailscale/up.sh and down.sh against a stand-in tailscaled (a real process with a control socket). */
class TailscaleScriptsTest {
    static final Path TS = RepoDirs.root().resolve("deploy/tailscale");
    @TempDir Path dir;
    Path state;

    @AfterEach
    void killLeftovers() throws Exception {
        Path pidfile = state == null ? null : state.resolve("tailscaled.pid");
        if (pidfile != null && Files.exists(pidfile)) {
            ProcessHandle.of(Long.parseLong(Files.readString(pidfile).strip())).ifPresent(ProcessHandle::destroyForcibly);
        }
    }

    Map<String, String> env(Path cliLog) throws Exception {
        state = dir.resolve("state");
        Map<String, String> env = new HashMap<>();
        env.put("TAILSCALED", Fakes.javaMain(dir, "tailscaled", FakeTailscaled.class).toString());
        // the stand-in CLI records its arguments and, for `up`, the key it was handed through a file
        env.put("TAILSCALE", Fakes.script(dir, "tailscale", "echo \"$*\" >> '" + cliLog + "'\n"
                + "for a in \"$@\"; do case $a in --auth-key=file:*) cat \"${a#--auth-key=file:}\" >> '" + cliLog
                + "'; echo >> '" + cliLog + "';; esac; done\n").toString());
        env.put("TS_STATE_DIR", state.toString());
        env.put("TS_HOSTNAME", "hpc-glm5");
        return env;
    }

    @Test
    void upStartsUserspaceTailscaledAndJoinsWithTheKeyFromTheEnvironment() throws Exception {
        Path cli = dir.resolve("cli.log");
        Map<String, String> env = env(cli);
        env.put("TS_AUTHKEY", "tskey-auth-123");
        Run up = Run.of(List.of(TS.resolve("up.sh").toString()), dir, env, Duration.ofSeconds(30));
        assertThat(up.status()).as(up.output()).isZero();

        assertThat(Files.readString(state.resolve("args")).strip()).isEqualTo("--tun=userspace-networking --statedir="
                + state + " --socket=" + state.resolve("tailscaled.sock") + " --socks5-server=localhost:1055"
                + " --outbound-http-proxy-listen=localhost:1055");
        List<String> calls = Files.readAllLines(cli);
        assertThat(calls.get(0)).isEqualTo("--socket=" + state.resolve("tailscaled.sock") + " up --hostname=hpc-glm5"
                + " --accept-dns=false --auth-key=file:" + state.resolve("authkey"));
        assertThat(calls.get(1)).isEqualTo("tskey-auth-123");
        assertThat(state.resolve("authkey")).doesNotExist();
        assertThat(up.output()).contains("ALL_PROXY=socks5://localhost:1055");
        long pid = Long.parseLong(Files.readString(state.resolve("tailscaled.pid")).strip());
        assertThat(ProcessHandle.of(pid).map(ProcessHandle::isAlive)).contains(true);

        Run again = Run.of(List.of(TS.resolve("up.sh").toString()), dir, env, Duration.ofSeconds(30));
        assertThat(again.output()).contains("already running (pid " + pid + ")");

        Run down = Run.of(List.of(TS.resolve("down.sh").toString()), dir, env, Duration.ofSeconds(30));
        assertThat(down.status()).as(down.output()).isZero();
        Optional<ProcessHandle> h = ProcessHandle.of(pid);
        assertThat(h.map(ProcessHandle::isAlive).orElse(false)).isFalse();
        assertThat(Files.readAllLines(cli).getLast()).isEqualTo("--socket=" + state.resolve("tailscaled.sock") + " down");
        assertThat(state.resolve("tailscaled.pid")).doesNotExist();
        assertThat(state.resolve("tailscaled.sock")).doesNotExist();
    }

    @Test
    void theKeyMayComeAsTailscaleAuthkey() throws Exception {
        Path cli = dir.resolve("cli.log");
        Map<String, String> env = env(cli);
        env.put("TAILSCALE_AUTHKEY", "tskey-auth-456");
        Run up = Run.of(List.of(TS.resolve("up.sh").toString()), dir, env, Duration.ofSeconds(30));
        assertThat(up.status()).as(up.output()).isZero();
        assertThat(Files.readAllLines(cli)).contains("tskey-auth-456");
        assertThat(up.output()).doesNotContain("tskey-auth-456");
        Run.of(List.of(TS.resolve("down.sh").toString()), dir, env, Duration.ofSeconds(30));
    }

    @Test
    void upFailsClearlyWhenTailscaledDies() throws Exception {
        Map<String, String> env = env(dir.resolve("cli.log"));
        env.put("TAILSCALED", Fakes.script(dir, "bad-tailscaled", "echo 'wgengine: permission denied' >&2\nexit 1\n").toString());
        Run up = Run.of(List.of(TS.resolve("up.sh").toString()), dir, env, Duration.ofSeconds(30));
        assertThat(up.status()).isEqualTo(1);
        assertThat(up.output()).contains("tailscaled exited");
        assertThat(Files.readString(state.resolve("tailscaled.log"))).contains("permission denied");
    }

    @Test
    void downWithNothingRunningIsHarmless() throws Exception {
        Map<String, String> env = env(dir.resolve("cli.log"));
        Run down = Run.of(List.of(TS.resolve("down.sh").toString()), dir, env, Duration.ofSeconds(30));
        assertThat(down.status()).as(down.output()).isZero();
    }
}
