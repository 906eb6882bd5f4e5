package hearth.server.deploy;

import static org.assertj.core.api.Assertions.assertThat;

import hearth.server.cluster.RepoDirs;
import hearth.server.fakes.Fakes;
import hearth.server.fakes.Run;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** deploy/slurm/interactive.sh and submit.sh, run against stand-in salloc/srun/sbatch. */
class SlurmHelperScriptsTest {
    static final Path SLURM = RepoDirs.root().resolve("deploy/slurm");

    @Test
    void interactiveAllocatesTheBatchScriptsResourcesAndServesOnTheFirstNode(@TempDir Path dir) throws Exception {
        Path log = dir.resolve("salloc.log");
        Path salloc = Fakes.recorder(dir, "salloc", log, 0);
        Run r = Run.of(List.of(SLURM.resolve("interactive.sh").toString(), "reasoning-rpc", "--account=ai"), dir,
                Map.of("SALLOC", salloc.toString()), Duration.ofSeconds(20));
        assertThat(r.status()).as(r.output()).isZero();
        assertThat(Files.readString(log).strip()).isEqualTo("--job-name=hearth-reasoning --partition=gpu_ai "
                + "--qos=ai_opportunistic --nodes=3 --ntasks-per-node=1 --gres=gpu:1 --cpus-per-task=40 --mem=200G "
                + "--time=7-00:00:00 --account=ai srun --nodes=1 --ntasks=1 --pty ./hearth serve --profile reasoning-rpc");
    }

    @Test
    void interactiveCanOpenAShellInstead(@TempDir Path dir) throws Exception {
        Path log = dir.resolve("salloc.log");
        Run r = Run.of(List.of(SLURM.resolve("interactive.sh").toString(), "glm5-llama", "--shell"), dir,
                Map.of("SALLOC", Fakes.recorder(dir, "salloc", log, 0).toString(), "SHELL", "/bin/zsh"), Duration.ofSeconds(20));
        assertThat(r.status()).as(r.output()).isZero();
        assertThat(Files.readString(log).strip()).isEqualTo("--job-name=hearth-glm5 --nodes=1 --gres=gpu:l40s:4 "
                + "--cpus-per-task=96 --mem=512G --time=24:00:00 srun --nodes=1 --ntasks=1 --pty /bin/zsh -l");
    }

    @Test
    void anUnknownProfileListsTheKnownOnes(@TempDir Path dir) throws Exception {
        for (String script : List.of("interactive.sh", "submit.sh")) {
            Run r = Run.of(List.of(SLURM.resolve(script).toString(), "nope"), dir, Map.of(), Duration.ofSeconds(20));
            assertThat(r.status()).isEqualTo(2);
            assertThat(r.output()).contains("no batch script for 'nope'", "glm5-llama", "reasoning-rpc");
        }
    }

    @Test
    void submitMakesTheLogDirectoryAndCallsSbatch(@TempDir Path dir) throws Exception {
        Path log = dir.resolve("sbatch.log");
        Path sbatch = Fakes.script(dir, "sbatch", "echo \"$(pwd) $*\" >> '" + log + "'\n");
        Run r = Run.of(List.of(SLURM.resolve("submit.sh").toString(), "fast-router", "--dependency=afterany:12"), dir,
                Map.of("SBATCH", sbatch.toString()), Duration.ofSeconds(20));
        assertThat(r.status()).as(r.output()).isZero();
        assertThat(Files.readString(log).strip()).isEqualTo(RepoDirs.root() + " --dependency=afterany:12 "
                + SLURM.resolve("fast-router.sbatch"));
        assertThat(RepoDirs.root().resolve("logs")).isDirectory();
    }
}
