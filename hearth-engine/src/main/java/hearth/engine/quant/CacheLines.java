package hearth.engine.quant;

import java.lang.foreign.FunctionDescriptor;
import java.lang.foreign.Linker;
import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;
import java.lang.invoke.MethodHandle;

/**
 * Where the elements of a float array start 64-byte cache lines. A 512-bit load that straddles two lines costs two
 * L1 accesses, and the JVM aligns arrays to 8 bytes only: a loop that loads 16 floats at a time from a scratch array
 * straddles a line at every load unless its vectors start at {@link #firstAligned}. The batch kernels, whose inner
 * loops are bound by their loads, place their 512-bit operands there (measured on the AVX-512 VM: the same tile ran
 * about 15 % faster aligned than 16 or 32 bytes off, docs/performance.md, twenty-fifth session).
 *
 * <p>The address comes from the C library's {@code memset} with a length of 0, called on the array pinned for the
 * call (a critical downcall, which may take heap memory): it returns its first argument. A collection may move the
 * array afterwards; the offset is then stale, which costs speed, never correctness (callers only shift where they put
 * their data). Without native access (or where the lookup fails) the offset is 0.
 */
final class CacheLines {
    private CacheLines() {}

    /** Floats per 64-byte line: how much padding an array needs for {@link #firstAligned} to fit. */
    static final int FLOATS = 16;

    private static final MethodHandle MEMSET = memset();

    private static MethodHandle memset() {
        try {
            Linker linker = Linker.nativeLinker();
            return linker.defaultLookup().find("memset").map(f -> linker.downcallHandle(f,
                    FunctionDescriptor.of(ValueLayout.ADDRESS, ValueLayout.ADDRESS, ValueLayout.JAVA_INT, ValueLayout.JAVA_LONG),
                    Linker.Option.critical(true))).orElse(null);
        } catch (RuntimeException | LinkageError e) {
            return null; // native access refused or unavailable: no alignment
        }
    }

    /** The first index in [0, 16) whose element starts a cache line now (0 when the address cannot be known). */
    static int firstAligned(float[] a) {
        if (MEMSET == null || a.length == 0) return 0;
        try {
            long address = ((MemorySegment) MEMSET.invokeExact(MemorySegment.ofArray(a), 0, 0L)).address();
            return (int) ((-address & 63) >>> 2);
        } catch (Throwable e) {
            return 0;
        }
    }
}
