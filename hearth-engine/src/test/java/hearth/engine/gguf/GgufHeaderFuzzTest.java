package hearth.engine.gguf;

import static org.assertj.core.api.Assertions.assertThat;

import hearth.engine.TestData;
import hearth.engine.tensor.Tensor;
import java.io.IOException;
import java.lang.foreign.ValueLayout;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.Random;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Seeded random damage to GGUF headers (byte flips, extreme integers, truncation, inserted and deleted bytes) either
 * opens or fails with GgufFormatException / IOException; no other exception escapes and nothing crashes the JVM.
 * A file that opens must also survive reading all its metadata and touching the first and last byte of every tensor.
 */
class GgufHeaderFuzzTest {
    @TempDir
    Path dir;

    private static final long[] EXTREMES = {0, 1, 2, 3, 9, 13, -1, Integer.MAX_VALUE, Integer.MIN_VALUE, 0xFFFF_FFFFL, Long.MAX_VALUE,
            Long.MIN_VALUE, 1L << 32, 1L << 40, 1L << 62};

    /** Counts of outcomes, so the test can check that the mutations exercised both paths. */
    private int opened;
    private int rejected;

    @Test
    void mutatedSmallFilesOpenOrFailCleanly() throws Exception {
        byte[] base = GgufFixtures.tinyModelBytes();
        fuzz(base, GgufFixtures.headerEnd(base), 600, 0x6775_6666L);
        assertThat(opened).as("mutations that still open").isGreaterThan(10);
        assertThat(rejected).as("mutations that are rejected").isGreaterThan(100);
    }

    @Test
    void mutatedStories260KHeadersOpenOrFailCleanly() throws Exception {
        byte[] base = Files.readAllBytes(TestData.require("models/stories260K.gguf"));
        // 14176 = start of the data section: keys, the 512-token vocabulary and the 48 tensor infos.
        fuzz(base, 14176, 150, 260L);
        assertThat(opened + rejected).isEqualTo(150);
        assertThat(rejected).isGreaterThan(10);
    }

    private void fuzz(byte[] base, int headerEnd, int iterations, long seed) throws IOException {
        Random r = new Random(seed);
        Path file = dir.resolve("fuzz.gguf");
        for (int i = 0; i < iterations; i++) {
            byte[] mutated = mutate(base, headerEnd, r);
            Files.write(file, mutated);
            try (GgufFile g = GgufFile.open(file)) {
                exercise(g);
                opened++;
            } catch (GgufFormatException | IOException expected) {
                assertThat(expected.getMessage()).as("message of mutation %d", i).isNotBlank();
                rejected++;
            } catch (RuntimeException | Error unexpected) {
                Path kept = dir.resolve("failing-" + seed + "-" + i + ".gguf");
                Files.write(kept, mutated);
                throw new AssertionError("mutation " + i + " (seed " + seed + ") threw " + unexpected, unexpected);
            }
        }
    }

    private static void exercise(GgufFile g) {
        g.metadata().asMap().forEach((k, v) -> assertThat(v.toString()).isNotNull());
        for (String name : g.tensorInfos().keySet()) {
            Tensor t = g.tensor(name);
            long n = t.data().byteSize();
            if (n > 0) {
                t.data().get(ValueLayout.JAVA_BYTE, 0);
                t.data().get(ValueLayout.JAVA_BYTE, n - 1);
            }
        }
        assertThat(g.describe()).isNotBlank();
    }

    private static byte[] mutate(byte[] base, int headerEnd, Random r) {
        byte[] f = base.clone();
        int at = r.nextInt(headerEnd);
        switch (r.nextInt(6)) {
            case 0 -> {
                int flips = 1 + r.nextInt(3);
                for (int k = 0; k < flips; k++) f[r.nextInt(headerEnd)] ^= (byte) (1 << r.nextInt(8));
            }
            case 1 -> f[at] = (byte) new int[] {0x00, 0xFF, 0x7F, 0x80, r.nextInt(256)}[r.nextInt(5)];
            case 2 -> f = Arrays.copyOf(f, r.nextInt(headerEnd + 64));
            case 3 -> {
                long v = EXTREMES[r.nextInt(EXTREMES.length)];
                ByteBuffer b = ByteBuffer.wrap(f).order(ByteOrder.LITTLE_ENDIAN);
                if (r.nextBoolean() && at + 8 <= f.length) b.putLong(at, v);
                else if (at + 4 <= f.length) b.putInt(at, (int) v);
            }
            case 4 -> {
                byte[] chunk = new byte[1 + r.nextInt(16)];
                r.nextBytes(chunk);
                byte[] g = new byte[f.length + chunk.length];
                System.arraycopy(f, 0, g, 0, at);
                System.arraycopy(chunk, 0, g, at, chunk.length);
                System.arraycopy(f, at, g, at + chunk.length, f.length - at);
                f = g;
            }
            default -> {
                int len = Math.min(1 + r.nextInt(16), f.length - at);
                byte[] g = new byte[f.length - len];
                System.arraycopy(f, 0, g, 0, at);
                System.arraycopy(f, at + len, g, at, f.length - at - len);
                f = g;
            }
        }
        return f;
    }
}
