package hearth.gateway;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assumptions.assumeThat;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.concurrent.atomic.AtomicReference;
import org.junit.jupiter.api.Test;

/** The short scheduler slice: the kernel's own view of the thread (/proc/thread-self/sched) before and after. */
class ShortSliceTest {
    private static final Path SCHED = Path.of("/proc/thread-self/sched");

    @Test
    void theCallingThreadGetsTheShortSliceAndKeepsItsPolicyAndPriority() throws Exception {
        assumeThat(Files.isReadable(SCHED)).as("needs Linux's /proc/thread-self/sched").isTrue();
        Asked a = askOnAFreshThread();
        assumeThat(a.taken()).as("this kernel has no per-thread slice (Linux 6.12+); the call must then change nothing").isTrue();
        assertThat(field(a.after(), "se.slice")).isEqualTo(ShortSlice.SLICE_NANOS);
        assertThat(field(a.after(), "policy")).isEqualTo(field(a.before(), "policy"));
        assertThat(field(a.after(), "prio")).isEqualTo(field(a.before(), "prio"));
    }

    @Test
    void aKernelThatRefusesChangesNothingAndDoesNotThrow() throws Exception {
        assumeThat(Files.isReadable(SCHED)).as("needs Linux's /proc/thread-self/sched").isTrue();
        Asked a = askOnAFreshThread();
        long before = field(a.before(), "se.slice"), after = field(a.after(), "se.slice");
        if (!a.taken()) assertThat(after).isEqualTo(before);
        else assertThat(after).isEqualTo(ShortSlice.SLICE_NANOS);
        // a thread that never asked keeps the kernel's default
        assertThat(field(Files.readString(SCHED), "se.slice")).isNotEqualTo(ShortSlice.SLICE_NANOS);
    }

    /** The kernel's view of a fresh thread before and after it asked, and what the call answered. */
    private record Asked(String before, String after, boolean taken) {}

    private static Asked askOnAFreshThread() throws InterruptedException {
        AtomicReference<Asked> seen = new AtomicReference<>();
        Thread t = Thread.ofPlatform().start(() -> {
            try {
                String before = Files.readString(SCHED);
                boolean taken = ShortSlice.request();
                seen.set(new Asked(before, Files.readString(SCHED), taken));
            } catch (IOException e) {
                throw new UncheckedIOException(e);
            }
        });
        t.join();
        return seen.get();
    }

    private static long field(String sched, String name) {
        return sched.lines().filter(l -> l.startsWith(name + " ") || l.startsWith(name + "\t"))
                .map(l -> Long.parseLong(l.substring(l.indexOf(':') + 1).trim())).findFirst()
                .orElseThrow(() -> new AssertionError("no " + name + " in " + sched));
    }
}
