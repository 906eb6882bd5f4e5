package hearth.server.backend;

import static org.assertj.core.api.Assertions.assertThat;

import hearth.server.backend.launch.LaunchStep;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** A child's output reaches Hearth's log to the last line, including what it says while stopping. */
class ChildProcessTest {
    static LaunchStep step(String script) {
        return new LaunchStep("sh-engine", LaunchStep.Role.ENGINE, null, List.of("sh", "-c", script), Map.of("GREETING", "hi"),
                Optional.empty(), Optional.empty(), List.of());
    }

    static final String POLITE = "trap 'echo bye; exit 0' TERM; echo \"$GREETING\"; while :; do sleep 0.05; done";

    @Test
    void whatAChildSaysOnSigtermIsNotLost() throws Exception {
        ChildProcess c = ChildProcess.start(step(POLITE), null);
        long end = System.nanoTime() + Duration.ofSeconds(10).toNanos();
        while (!c.lastLines().contains("hi") && System.nanoTime() < end) Thread.sleep(20);
        assertThat(c.stop(Duration.ofSeconds(5))).isTrue();
        assertThat(c.lastLines()).containsExactly("hi", "bye");
        assertThat(c.exitDescription()).isEqualTo("exit 0");
    }

    @Test
    void theOutputFileIsDeletedUnlessALogDirectoryWasGiven(@TempDir Path dir) throws Exception {
        long before = tempLogs();
        ChildProcess temp = ChildProcess.start(step("echo one; echo two"), null);
        temp.onExit().get();
        assertThat(temp.lastLines()).containsExactly("one", "two");
        assertThat(tempLogs()).isLessThanOrEqualTo(before);

        ChildProcess kept = ChildProcess.start(step("echo kept"), dir);
        kept.onExit().get();
        assertThat(kept.lastLines()).containsExactly("kept");
        try (Stream<Path> files = Files.list(dir)) {
            List<Path> logs = files.toList();
            assertThat(logs).hasSize(1);
            assertThat(logs.getFirst().getFileName().toString()).startsWith("hearth-sh-engine-").endsWith(".log");
            assertThat(Files.readString(logs.getFirst())).isEqualTo("kept\n");
        }
    }

    @Test
    void aChildIgnoringSigtermIsKilledWithWhatItStarted() throws Exception {
        ChildProcess c = ChildProcess.start(step("trap '' TERM; sleep 30 & wait"), null);
        Thread.sleep(300);
        List<ProcessHandle> kids = ProcessHandle.of(c.pid()).orElseThrow().descendants().toList();
        assertThat(c.stop(Duration.ofMillis(300))).isFalse();
        assertThat(c.alive()).isFalse();
        assertThat(kids).noneMatch(ProcessHandle::isAlive);
        assertThat(c.exitDescription()).isEqualTo("exit 137 (signal 9)");
    }

    private static long tempLogs() throws Exception {
        try (Stream<Path> files = Files.list(Path.of(System.getProperty("java.io.tmpdir")))) {
            return files.filter(p -> p.getFileName().toString().startsWith("hearth-sh-engine-")).count();
        }
    }
}
