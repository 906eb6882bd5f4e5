package hearth.gateway;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assumptions.assumeThat;

import java.io.IOException;
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
        AtomicReference<String[]> seen = new AtomicReference<>();
        Thread t = Thread.ofPlatform().start(() -> {
            try {
                String before = Files.readString(SCHED);
                boolean taken = ShortSlice.request();
                seen.set(new String[] {before, Files.readString(SCHED), Boolean.toString(taken)});
            } catch (IOException e) {
                throw new RuntimeException(e);
            }
        });
        t.join();
        String before = seen.get()[0], after = seen.get()[1];
        boolean taken = Boolean.parseBoolean(seen.get()[2]);
        assumeThat(taken).as("this kernel has no per-thread slice (Linux 6.12+); the call must then change nothing").isTrue();
        assertThat(field(after, "se.slice")).isEqualTo(ShortSlice.SLICE_NANOS);
        assertThat(field(after, "policy")).isEqualTo(field(before, "policy"));
        assertThat(field(after, "prio")).isEqualTo(field(before, "prio"));
    }

    @Test
    void aKernelThatRefusesChangesNothingAndDoesNotThrow() throws Exception {
        assumeThat(Files.isReadable(SCHED)).as("needs Linux's /proc/thread-self/sched").isTrue();
        AtomicReference<long[]> seen = new AtomicReference<>();
        Thread t = Thread.ofPlatform().start(() -> {
            try {
                long before = field(Files.readString(SCHED), "se.slice");
                boolean taken = ShortSlice.request();
                long after = field(Files.readString(SCHED), "se.slice");
                seen.set(new long[] {before, after, taken ? 1 : 0});
            } catch (IOException e) {
                throw new RuntimeException(e);
            }
        });
        t.join();
        long[] s = seen.get();
        if (s[2] == 0) assertThat(s[1]).isEqualTo(s[0]);
        else assertThat(s[1]).isEqualTo(ShortSlice.SLICE_NANOS);
        // a thread that never asked keeps the kernel's default
        assertThat(field(Files.readString(SCHED), "se.slice")).isNotEqualTo(ShortSlice.SLICE_NANOS);
    }

    private static long field(String sched, String name) {
        return sched.lines().filter(l -> l.startsWith(name + " ") || l.startsWith(name + "\t"))
                .map(l -> Long.parseLong(l.substring(l.indexOf(':') + 1).trim())).findFirst()
                .orElseThrow(() -> new AssertionError("no " + name + " in " + sched));
    }
}
