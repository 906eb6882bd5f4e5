package hearth.gateway;

import java.lang.foreign.Arena;
import java.lang.foreign.FunctionDescriptor;
import java.lang.foreign.Linker;
import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;
import java.lang.invoke.MethodHandle;
import java.util.Locale;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Asks Linux for a short scheduler slice for the calling thread ({@code sched_setattr} with {@code sched_runtime}
 * under the normal policy; Linux 6.12+, EEVDF). The proxy's threads sleep until a request or an upstream's answer
 * arrives, then work for some microseconds: with the default slice (1.5 ms on two cores, 3 ms on eight) a woken
 * thread waits for whatever runs on the core to use its slice up; with a short one it is due first and runs at once.
 * That wait is most of what the gateway adds to the time to first token on busy cores (docs/performance.md). The
 * slice only moves when the thread runs, not how much: its share of the CPU stays that of any other thread of its
 * nice level. No privilege is needed. Older kernels accept the call and ignore the slice, other systems have no such
 * call: either way nothing changes ({@link #request} says so, and the log once).
 */
public final class ShortSlice {
    private static final Logger LOG = LoggerFactory.getLogger(ShortSlice.class);
    /** The slice asked for: the kernel's smallest (0.1 ms). */
    public static final long SLICE_NANOS = 100_000;
    private static final boolean ARM = System.getProperty("os.arch", "").equals("aarch64");
    private static final long SCHED_SETATTR = ARM ? 274 : 314, SCHED_GETATTR = ARM ? 275 : 315;
    /** struct sched_attr (SCHED_ATTR_SIZE_VER1): size u32 @0, policy u32 @4, flags u64 @8, ..., runtime u64 @24. */
    private static final int SCHED_ATTR_SIZE = 56;

    private static final MethodHandle SYSCALL = lookup();
    private static volatile boolean warned;

    private ShortSlice() {}

    private static MethodHandle lookup() {
        if (!System.getProperty("os.name", "").toLowerCase(Locale.ROOT).contains("linux")) return null;
        String arch = System.getProperty("os.arch", "");
        if (!arch.equals("amd64") && !arch.equals("x86_64") && !arch.equals("aarch64")) return null;
        try {
            Linker linker = Linker.nativeLinker();
            // long syscall(long number, ...): here (number, pid_t 0 = this thread, struct sched_attr *, unsigned int)
            FunctionDescriptor call = FunctionDescriptor.of(ValueLayout.JAVA_LONG, ValueLayout.JAVA_LONG, ValueLayout.JAVA_INT,
                    ValueLayout.ADDRESS, ValueLayout.JAVA_INT);
            return linker.defaultLookup().find("syscall").map(f -> linker.downcallHandle(f, call,
                    Linker.Option.firstVariadicArg(1), Linker.Option.captureCallState("errno"))).orElse(null);
        } catch (RuntimeException | LinkageError e) {
            return null;
        }
    }

    /**
     * Asks for the short slice for the calling thread, keeping its policy and nice level (read first, so that a
     * gateway started under {@code nice} is not asking to be raised); true when the kernel took it.
     */
    public static boolean request() {
        if (SYSCALL == null) return false;
        try (Arena arena = Arena.ofConfined()) {
            MemorySegment attr = arena.allocate(SCHED_ATTR_SIZE, 8);
            MemorySegment state = arena.allocate(Linker.Option.captureStateLayout());
            long rc = (long) SYSCALL.invokeExact(state, SCHED_GETATTR, 0, attr, SCHED_ATTR_SIZE);
            int policy = attr.get(ValueLayout.JAVA_INT, 4);
            if (rc == 0 && policy != 0 && policy != 3) return false; // not SCHED_OTHER or SCHED_BATCH: leave it alone
            if (rc == 0) {
                attr.set(ValueLayout.JAVA_INT, 0, SCHED_ATTR_SIZE); // size
                attr.set(ValueLayout.JAVA_LONG, 8, 0L);             // sched_flags: none (utilisation clamps untouched)
                attr.set(ValueLayout.JAVA_LONG, 24, SLICE_NANOS);   // sched_runtime: the slice, for the fair policies
                rc = (long) SYSCALL.invokeExact(state, SCHED_SETATTR, 0, attr, 0);
            }
            if (rc == 0) { // kernels before 6.12 take the call and ignore the slice: read back what is in force
                attr.fill((byte) 0);
                rc = (long) SYSCALL.invokeExact(state, SCHED_GETATTR, 0, attr, SCHED_ATTR_SIZE);
                if (rc == 0 && attr.get(ValueLayout.JAVA_LONG, 24) == SLICE_NANOS) return true;
                if (rc == 0) {
                    once("this kernel has no per-thread scheduler slice (Linux 6.12+); gateway threads keep the default");
                    return false;
                }
            }
            int errno = state.get(ValueLayout.JAVA_INT, Linker.Option.captureStateLayout().byteOffset(
                    java.lang.foreign.MemoryLayout.PathElement.groupElement("errno")));
            once("the kernel gave no short scheduler slice (errno " + errno + "); gateway threads keep the default");
            return false;
        } catch (Throwable e) {
            once("no short scheduler slice: " + e);
            return false;
        }
    }

    private static void once(String message) {
        if (warned) return;
        warned = true;
        LOG.info(message);
    }
}
