package hearth.engine.kv;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import org.junit.jupiter.api.Test;

class BlockManagerTest {
    private final int[] tokens = {1, 2, 3, 4, 5, 6, 7, 8};

    @Test
    void allocatesUntilThePoolIsEmptyAndReusesReleasedBlocks() {
        BlockManager m = new BlockManager(2, 4);
        int a = m.allocate();
        int b = m.allocate();
        assertThat(a).isNotEqualTo(b);
        assertThat(m.allocate()).isEqualTo(-1);
        m.release(a);
        assertThat(m.allocate()).isEqualTo(a);
    }

    @Test
    void sharedBlockIsFreedOnlyWhenTheLastReferenceGoes() {
        BlockManager m = new BlockManager(1, 4);
        int a = m.allocate();
        m.retain(a);
        assertThat(m.release(a)).isEqualTo(1);
        assertThat(m.freeBlocks()).isZero();
        assertThat(m.release(a)).isZero();
        assertThat(m.freeBlocks()).isEqualTo(1);
        assertThatThrownBy(() -> m.release(a)).isInstanceOf(IllegalStateException.class);
    }

    @Test
    void registeredBlockIsFoundByItsChainHashAfterRelease() {
        BlockManager m = new BlockManager(2, 4);
        int a = m.allocate();
        long h = BlockManager.chainHash(0, tokens, 0, 4);
        m.register(a, h, tokens, 0);
        m.release(a);
        assertThat(m.cachedBlocks()).isEqualTo(1);
        assertThat(m.lookup(h, tokens, 0)).isEqualTo(a);
        assertThat(m.refCount(a)).isEqualTo(1);
        assertThat(m.lookup(BlockManager.chainHash(0, tokens, 4, 4), tokens, 4)).isEqualTo(-1);
    }

    @Test
    void chainHashDependsOnTheWholePrefix() {
        long first = BlockManager.chainHash(0, tokens, 0, 4);
        assertThat(BlockManager.chainHash(first, tokens, 4, 4)).isNotEqualTo(BlockManager.chainHash(0, tokens, 4, 4));
    }

    @Test
    void cachedBlocksAreEvictedOldestFirstWhenFreshBlocksRunOut() {
        BlockManager m = new BlockManager(2, 4);
        int a = m.allocate();
        int b = m.allocate();
        long ha = BlockManager.chainHash(0, tokens, 0, 4);
        long hb = BlockManager.chainHash(ha, tokens, 4, 4);
        m.register(a, ha, tokens, 0);
        m.register(b, hb, tokens, 4);
        m.release(a);
        m.release(b);
        assertThat(m.allocate()).isEqualTo(a);
        assertThat(m.lookup(ha, tokens, 0)).isEqualTo(-1);
        assertThat(m.lookup(hb, tokens, 4)).isEqualTo(b);
    }
}
