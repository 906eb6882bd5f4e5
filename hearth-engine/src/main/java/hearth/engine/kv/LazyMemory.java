package hearth.engine.kv;

import java.lang.foreign.Arena;
import java.lang.foreign.FunctionDescriptor;
import java.lang.foreign.Linker;
import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;
import java.lang.invoke.MethodHandle;
import java.util.Locale;
import java.util.Optional;

/**
 * Zeroed off-heap memory whose pages become resident only when first written: an anonymous private mapping. The KV
 * cache reserves room for every slot up front, but a server seldom fills it; {@link Arena#allocate} zero-fills and so
 * would make all of it resident at start. Where the mapping cannot be made (not Linux or macOS, or mmap fails), the
 * memory comes from the arena instead, zero-filled.
 */
final class LazyMemory {
    private LazyMemory() {}

    private static final int PROT_READ_WRITE = 0x1 | 0x2;
    private static final String OS = System.getProperty("os.name", "").toLowerCase(Locale.ROOT);
    /** MAP_PRIVATE | MAP_ANONYMOUS (Linux 0x20, macOS MAP_ANON 0x1000). */
    private static final int FLAGS = OS.contains("linux") ? 0x02 | 0x20 : OS.contains("mac") ? 0x02 | 0x1000 : 0;

    private static final MethodHandle MMAP, MUNMAP;

    static {
        MethodHandle mmap = null, munmap = null;
        if (FLAGS != 0) {
            try {
                Linker linker = Linker.nativeLinker();
                Optional<MemorySegment> m = linker.defaultLookup().find("mmap"), u = linker.defaultLookup().find("munmap");
                if (m.isPresent() && u.isPresent()) {
                    mmap = linker.downcallHandle(m.get(), FunctionDescriptor.of(ValueLayout.ADDRESS, ValueLayout.ADDRESS,
                            ValueLayout.JAVA_LONG, ValueLayout.JAVA_INT, ValueLayout.JAVA_INT, ValueLayout.JAVA_INT, ValueLayout.JAVA_LONG));
                    munmap = linker.downcallHandle(u.get(), FunctionDescriptor.of(ValueLayout.JAVA_INT, ValueLayout.ADDRESS, ValueLayout.JAVA_LONG));
                }
            } catch (RuntimeException | LinkageError e) {
                mmap = munmap = null; // native access refused or unavailable: fall back to the arena
            }
        }
        MMAP = mmap;
        MUNMAP = munmap;
    }

    /** {@code bytes} of zeroed memory, unmapped (or freed) when {@code arena} closes. */
    static MemorySegment allocate(Arena arena, long bytes) {
        if (bytes > 0 && MMAP != null) {
            try {
                MemorySegment p = (MemorySegment) MMAP.invokeExact(MemorySegment.NULL, bytes, PROT_READ_WRITE, FLAGS, -1, 0L);
                if (p.address() != -1L && p.address() != 0L) {
                    long address = p.address();
                    return p.reinterpret(bytes, arena, s -> unmap(address, bytes));
                }
            } catch (Throwable e) {
                // fall through to the arena
            }
        }
        return arena.allocate(Math.max(bytes, 1), 64);
    }

    private static void unmap(long address, long bytes) {
        try {
            int rc = (int) MUNMAP.invokeExact(MemorySegment.ofAddress(address), bytes);
            assert rc == 0 : "munmap failed";
        } catch (Throwable e) {
            throw new IllegalStateException("munmap of the KV cache failed", e);
        }
    }
}
