package hearth.engine.kv;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.Random;
import org.junit.jupiter.api.Test;

/**
 * A cache split into head planes holds exactly what a cache of whole rows holds: every head, every piece of a row
 * (also one crossing a plane boundary), copied slots, the same bytes, and for Q8_0 the same blocks (so the same
 * rounding) whether heads fill whole blocks (64, 48 x 2) or share one (8 x 4: one plane).
 */
class KvCachePlanesTest {

    private record Shape(KvCacheType type, int heads, int headDim) {}

    @Test
    void everyHeadAndEveryPieceOfARowReadsBackAsFromACacheOfWholeRows() {
        Shape[] shapes = {
            new Shape(KvCacheType.F16, 3, 64), new Shape(KvCacheType.F32, 2, 40), new Shape(KvCacheType.Q8_0, 3, 64),
            new Shape(KvCacheType.Q8_0, 4, 48), new Shape(KvCacheType.Q8_0, 4, 8), new Shape(KvCacheType.Q8_0, 3, 40),
        };
        Random r = new Random(5);
        for (Shape s : shapes) {
            int dim = s.heads() * s.headDim(), layers = 2, slots = 20;
            try (KvCache planes = new KvCache(layers, slots, s.heads(), dim, dim, s.type(), KvCacheType.F16);
                 KvCache rows = new KvCache(layers, slots, dim, dim, s.type(), KvCacheType.F16)) {
                assertThat(planes.byteSize()).as("%s bytes", s).isEqualTo(rows.byteSize());
                for (int slot = 0; slot < slots; slot++) {
                    for (int l = 0; l < layers; l++) {
                        float[] key = new float[dim + 3], value = new float[dim + 1];
                        for (int i = 0; i < key.length; i++) key[i] = (float) r.nextGaussian() * (1 + slot);
                        for (int i = 0; i < value.length; i++) value[i] = (float) r.nextGaussian();
                        planes.store(l, slot, key, 3, value, 1);
                        rows.store(l, slot, key, 3, value, 1);
                    }
                }
                planes.copySlot(4, 19);
                rows.copySlot(4, 19);
                for (int slot : new int[] {0, 4, 7, 19}) {
                    for (int l = 0; l < layers; l++) {
                        for (int h = 0; h < s.heads(); h++) {
                            assertSame(planes, rows, l, slot, h * s.headDim(), s.headDim(), s + " head " + h);
                        }
                        assertSame(planes, rows, l, slot, 0, dim, s + " whole row");
                        assertSame(planes, rows, l, slot, s.headDim() / 2, s.headDim() + 3, s + " across a boundary");
                    }
                }
                for (int l = 0; l < layers; l++) {
                    assertRunIsEachSlot(planes, l, 2, 5, s.headDim(), s.headDim(), s + " head 1, five slots");
                    assertRunIsEachSlot(planes, l, 0, 3, 0, dim, s + " whole rows, three slots");
                    assertRunIsEachSlot(planes, l, 9, 4, 1, s.headDim(), s + " unaligned piece, four slots");
                }
            }
        }
    }

    private static void assertSame(KvCache planes, KvCache rows, int layer, int slot, int off, int n, String what) {
        float[] a = new float[n], b = new float[n], c = new float[n], d = new float[n];
        planes.loadK(layer, slot, off, a, 0, n);
        rows.loadK(layer, slot, off, b, 0, n);
        planes.loadV(layer, slot, off, c, 0, n);
        rows.loadV(layer, slot, off, d, 0, n);
        assertThat(a).as("K %s, layer %d slot %d", what, layer, slot).containsExactly(b);
        assertThat(c).as("V %s, layer %d slot %d", what, layer, slot).containsExactly(d);
    }

    /** Slots [first, first + count) read in one call equal each slot read on its own. */
    private static void assertRunIsEachSlot(KvCache c, int layer, int first, int count, int off, int n, String what) {
        float[] k = new float[count * n + 1], v = new float[count * n + 1], one = new float[n];
        c.loadK(layer, first, count, off, k, 1, n);
        c.loadV(layer, first, count, off, v, 1, n);
        for (int i = 0; i < count; i++) {
            c.loadK(layer, first + i, off, one, 0, n);
            assertThat(java.util.Arrays.copyOfRange(k, 1 + i * n, 1 + (i + 1) * n)).as("K %s, slot %d", what, first + i).containsExactly(one);
            c.loadV(layer, first + i, off, one, 0, n);
            assertThat(java.util.Arrays.copyOfRange(v, 1 + i * n, 1 + (i + 1) * n)).as("V %s, slot %d", what, first + i).containsExactly(one);
        }
    }

    @Test
    void dimsThatDoNotSplitIntoTheHeadsAreRefused() {
        assertThatThrownBy(() -> new KvCache(1, 4, 3, 100, 96, KvCacheType.F16, KvCacheType.F16))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("3 heads");
    }
}
