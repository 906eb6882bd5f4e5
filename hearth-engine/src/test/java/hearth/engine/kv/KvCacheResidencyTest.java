package hearth.engine.kv;

import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;

/** A large KV cache is reserved, not resident: only the slots written take memory, and they read back as written. */
class KvCacheResidencyTest {
    private static final Path STATUS = Path.of("/proc/self/status");

    private static long residentKiB() throws IOException {
        for (String line : Files.readAllLines(STATUS)) {
            if (line.startsWith("VmRSS:")) return Long.parseLong(line.replaceAll("[^0-9]", ""));
        }
        throw new IllegalStateException("no VmRSS in " + STATUS);
    }

    @Test
    void aQuarterGibibyteCacheCostsAlmostNothingUntilSlotsAreWritten() throws IOException {
        assumeTrue(Files.isReadable(STATUS), "needs /proc/self/status (Linux) to read the resident set");
        int layers = 8, slots = 16384, dim = 512; // F16: 8 * 16384 * 2 * 1 KiB = 256 MiB
        long before = residentKiB();
        try (KvCache cache = new KvCache(layers, slots, dim, dim, KvCacheType.F16, KvCacheType.F16)) {
            assertThat(cache.byteSize()).isEqualTo(256L << 20);
            long reserved = residentKiB() - before;
            // a quarter of the cache: the JIT and GC threads of the same JVM move the resident set by several MiB
            // meanwhile (17.5 MiB seen with another test before this one), a cache touched eagerly would add 256
            assertThat(reserved).as("resident KiB after creating a 256 MiB cache").isLessThan(64 * 1024);

            float[] key = new float[dim], value = new float[dim];
            for (int i = 0; i < dim; i++) {
                key[i] = i * 0.5f;
                value[i] = -i;
            }
            int lastSlot = slots - 1;
            cache.store(layers - 1, lastSlot, key, 0, value, 0);
            float[] k = new float[dim], v = new float[dim], untouched = new float[dim];
            cache.loadK(layers - 1, lastSlot, 0, k, 0, dim);
            cache.loadV(layers - 1, lastSlot, 0, v, 0, dim);
            cache.loadK(0, 0, 0, untouched, 0, dim);
            assertThat(k).containsExactly(key);
            assertThat(v).containsExactly(value);
            assertThat(untouched).as("never written: zeros").containsOnly(0f);

            for (int s = 0; s < slots; s++) cache.store(0, s, key, 0, value, 0);
            assertThat(residentKiB() - before).as("resident KiB after filling one layer (32 MiB)").isGreaterThan(24 * 1024);
        }
    }
}
