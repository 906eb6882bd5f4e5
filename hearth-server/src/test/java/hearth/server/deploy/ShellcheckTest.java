package hearth.server.deploy;

import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import hearth.server.cluster.RepoDirs;
import hearth.server.fakes.Run;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** Every script under deploy/ parses with bash and passes shellcheck (when shellcheck is installed). */
class ShellcheckTest {
    @Test
    void thereAreScriptsToCheck() {
        assertThat(DeployFiles.shellScripts()).extracting(p -> p.getFileName().toString())
                .contains("up.sh", "down.sh", "submit.sh", "interactive.sh", "job-setup.sh", "reasoning-rpc.sbatch");
    }

    @Test
    void everyScriptParsesWithBash() throws Exception {
        for (Path script : DeployFiles.shellScripts()) {
            Run r = Run.of(List.of("bash", "-n", script.toString()), RepoDirs.root(), Map.of(), Duration.ofSeconds(20));
            assertThat(r.status()).as(script + ": " + r.output()).isZero();
        }
    }

    @Test
    void everyScriptPassesShellcheck() throws Exception {
        assumeTrue(DeployFiles.onPath("shellcheck"), "skipped: shellcheck is not installed (apt-get install shellcheck)");
        List<String> cmd = new ArrayList<>(List.of("shellcheck", "-x", "--severity=info"));
        DeployFiles.shellScripts().forEach(p -> cmd.add(p.toString()));
        Run r = Run.of(cmd, RepoDirs.root(), Map.of(), Duration.ofSeconds(60));
        assertThat(r.status()).as(r.output()).isZero();
    }

    @Test
    void executableScriptsAreExecutableAndSourcedOnesAreNot() {
        for (Path script : DeployFiles.shellScripts()) {
            boolean sourced = script.getFileName().toString().equals("job-setup.sh");
            assertThat(Files.isExecutable(script)).as(script.toString()).isEqualTo(!sourced);
        }
    }
}
