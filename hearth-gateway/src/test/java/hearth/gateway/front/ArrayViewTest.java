package hearth.gateway.front;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.ByteBuffer;
import org.junit.jupiter.api.Test;

class ArrayViewTest {
    @Test
    void oneBufferServesEveryRangeOfTheSameArray() {
        ArrayView v = new ArrayView();
        byte[] a = new byte[100];
        ByteBuffer first = v.of(a, 10, 20);
        assertThat(first.array()).isSameAs(a);
        assertThat(first.position()).isEqualTo(10);
        assertThat(first.remaining()).isEqualTo(20);
        first.position(30); // as a channel's write leaves it
        ByteBuffer second = v.of(a, 0, 5); // a range below where the last one stopped
        assertThat(second).isSameAs(first);
        assertThat(second.position()).isZero();
        assertThat(second.limit()).isEqualTo(5);
        assertThat(v.of(a, 40, 60).remaining()).isEqualTo(60);
    }

    @Test
    void anotherArrayGetsItsOwnBufferAndALargeOneIsNotKept() {
        ArrayView v = new ArrayView();
        byte[] a = new byte[8], b = new byte[8], large = new byte[ArrayView.KEPT_BYTES + 1];
        ByteBuffer overA = v.of(a, 0, 8);
        ByteBuffer overB = v.of(b, 2, 3);
        assertThat(overB).isNotSameAs(overA);
        assertThat(overB.array()).isSameAs(b);
        assertThat(overB.position()).isEqualTo(2);
        assertThat(overB.limit()).isEqualTo(5);
        ByteBuffer overLarge = v.of(large, 1, 100);
        assertThat(overLarge.array()).isSameAs(large);
        assertThat(overLarge.position()).isEqualTo(1);
        assertThat(overLarge.remaining()).isEqualTo(100);
        assertThat(v.of(b, 0, 1)).isSameAs(overB); // the large array did not replace the kept one
    }
}
