package hearth.server.backend.launch;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.net.URI;
import org.junit.jupiter.api.Test;

class UpstreamBaseTest {
    @Test
    void theV1SuffixAndTrailingSlashesAreDroppedSoPathsAreNotDoubled() {
        assertThat(LaunchPlanner.upstreamBase("http://hpc-glm5:8080/v1")).isEqualTo(URI.create("http://hpc-glm5:8080"));
        assertThat(LaunchPlanner.upstreamBase("http://hpc-glm5:8080/v1/")).isEqualTo(URI.create("http://hpc-glm5:8080"));
        assertThat(LaunchPlanner.upstreamBase("https://slurm-ctl.tailc46cd0.ts.net/reasoning/"))
                .isEqualTo(URI.create("https://slurm-ctl.tailc46cd0.ts.net/reasoning"));
        assertThat(LaunchPlanner.upstreamBase(" http://10.0.0.5:8081 ")).isEqualTo(URI.create("http://10.0.0.5:8081"));
    }

    @Test
    void somethingThatIsNotAnHttpUrlIsRefused() {
        assertThatThrownBy(() -> LaunchPlanner.upstreamBase("10.0.0.5:8081")).hasMessageContaining("--upstream-url must be");
        assertThatThrownBy(() -> LaunchPlanner.upstreamBase("ftp://x/")).hasMessageContaining("--upstream-url must be");
    }
}
