package hearth.server.cluster;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import hearth.server.fakes.Fakes;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class RegistrationTest {
    final SlurmJob job = SlurmJob.fromEnv(Map.of("SLURM_JOB_ID", "3001", "SLURMD_NODENAME", "vasp-01", "SLURM_JOB_NODELIST", "vasp-01"));
    final Instant now = Instant.parse("2026-01-31T10:00:00Z");

    @Test
    void withoutARegistryDirNothingIsRegistered() {
        assertThat(Registration.from(Settings.of(Map.of("tier", "fast")), job, 8080, List.of(), now)).isEmpty();
    }

    @Test
    void defaultsNameTheTierNodeAndPortSoARequeuedJobReusesTheEntry() {
        Registration r = Registration.from(Settings.of(Map.of("registry-dir", "/shared/endpoints", "tier", "reasoning")),
                job, 8081, List.of("OR1-Behemoth"), now).orElseThrow();
        assertThat(r.dir()).isEqualTo(Path.of("/shared/endpoints"));
        assertThat(r.entry()).isEqualTo(new RegistryEntry("reasoning-vasp-01-8081", "reasoning", "http://vasp-01:8081",
                List.of("OR1-Behemoth"), "3001", now, now));
        assertThat(r.interval()).isEqualTo(Duration.ofSeconds(5));
    }

    @Test
    void nameUrlAndIntervalAreSettings() {
        Registration r = Registration.from(Settings.of(Map.of("registry-dir", "/r", "registry-name", "glm5 on hpc",
                "public-url", "http://hpc-glm5:8080/", "registry-interval", "0.5")), job, 8080, List.of(), now).orElseThrow();
        assertThat(r.entry().name()).isEqualTo("glm5_on_hpc");
        assertThat(r.entry().url()).isEqualTo("http://hpc-glm5:8080");
        assertThat(r.entry().tier()).isEqualTo("default");
        assertThat(r.interval()).isEqualTo(Duration.ofMillis(500));
        assertThatThrownBy(() -> Registration.from(Settings.of(Map.of("registry-dir", "/r", "registry-interval", "0")), job, 1, List.of(), now))
                .hasMessageContaining("at least");
    }

    @Test
    void requeueAsksScontrolForThisJob(@TempDir Path dir) throws Exception {
        Path log = dir.resolve("scontrol.log");
        Path ok = Fakes.recorder(dir, "scontrol", log, 0);
        assertThat(SlurmRequeue.requeue(ok.toString(), "3001", Duration.ofSeconds(10))).isTrue();
        assertThat(Files.readString(log).strip()).isEqualTo("requeue 3001");
        Path refusing = Fakes.script(dir, "scontrol-no", "echo 'Requeue of JobId=3001 not possible: job not requeueable'\nexit 1\n");
        assertThat(SlurmRequeue.requeue(refusing.toString(), "3001", Duration.ofSeconds(10))).isFalse();
        assertThat(SlurmRequeue.requeue(ok.toString(), null, Duration.ofSeconds(10))).isFalse();
        assertThat(SlurmRequeue.requeue(dir.resolve("absent").toString(), "1", Duration.ofSeconds(10))).isFalse();
    }
}
