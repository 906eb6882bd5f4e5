package hearth.engine.quant;

import static org.assertj.core.api.Assertions.assertThat;

import hearth.engine.tensor.GgmlType;
import org.junit.jupiter.api.Test;

/** Hand-built blocks of each type decode to the values their layout defines. */
class BlockLayoutTest {

    private static QuantKernel kernel(GgmlType t) {
        return Kernels.forType(t);
    }

    @Test
    void f32F16AndBf16RowsDecodeToTheirFloats() {
        BlockBytes f32 = new BlockBytes(8).u32(0, Float.floatToRawIntBits(1.5f)).u32(4, Float.floatToRawIntBits(-2.25f));
        assertThat(f32.decode(kernel(GgmlType.F32), 2)).containsExactly(1.5f, -2.25f);
        BlockBytes f16 = new BlockBytes(6).half(0, 0.333251953125f).u8(2, 0x01).u8(3, 0x00).half(4, Float.POSITIVE_INFINITY);
        // 0x0001 is the smallest fp16 subnormal, 2^-24
        assertThat(f16.decode(kernel(GgmlType.F16), 3)).containsExactly(0.333251953125f, 0x1p-24f, Float.POSITIVE_INFINITY);
        BlockBytes bf16 = new BlockBytes(4).u8(0, 0xc0).u8(1, 0x3f).u8(2, 0x80).u8(3, 0xbf);
        assertThat(bf16.decode(kernel(GgmlType.BF16), 2)).containsExactly(1.5f, -1f);
    }

    @Test
    void q8_0IsScaleTimesSignedBytes() {
        BlockBytes b = new BlockBytes(34).half(0, 0.5f);
        for (int j = 0; j < 32; j++) b.u8(2 + j, j - 16);
        float[] v = b.decode(kernel(GgmlType.Q8_0), 32);
        for (int j = 0; j < 32; j++) assertThat(v[j]).isEqualTo((j - 16) * 0.5f);
    }

    @Test
    void q4_0HoldsElementJInTheLowNibbleAndJPlus16InTheHighNibbleOffsetBy8() {
        BlockBytes b = new BlockBytes(18).half(0, 0.25f);
        for (int j = 0; j < 16; j++) b.u8(2 + j, j | (15 - j) << 4);
        float[] v = b.decode(kernel(GgmlType.Q4_0), 32);
        for (int j = 0; j < 16; j++) {
            assertThat(v[j]).isEqualTo((j - 8) * 0.25f);
            assertThat(v[j + 16]).isEqualTo((7 - j) * 0.25f);
        }
    }

    @Test
    void q4_1AddsTheBlockMinimum() {
        BlockBytes b = new BlockBytes(20).half(0, 0.5f).half(2, -1f);
        for (int j = 0; j < 16; j++) b.u8(4 + j, j | (15 - j) << 4);
        float[] v = b.decode(kernel(GgmlType.Q4_1), 32);
        for (int j = 0; j < 16; j++) {
            assertThat(v[j]).isEqualTo(j * 0.5f - 1f);
            assertThat(v[j + 16]).isEqualTo((15 - j) * 0.5f - 1f);
        }
    }

    @Test
    void q5_0TakesTheFifthBitOfElementJFromBitJOfQh() {
        // high bits set only for elements 16..31: the block decodes to -16..15
        BlockBytes b = new BlockBytes(22).half(0, 1f).u32(2, 0xFFFF0000);
        for (int j = 0; j < 16; j++) b.u8(6 + j, j | j << 4);
        float[] v = b.decode(kernel(GgmlType.Q5_0), 32);
        for (int j = 0; j < 32; j++) assertThat(v[j]).isEqualTo(j - 16f);
    }

    @Test
    void q5_1IsUnsignedFiveBitsPlusMinimum() {
        BlockBytes b = new BlockBytes(24).half(0, 1f).half(2, 0.5f).u32(4, 0x0000FFFF);
        for (int j = 0; j < 16; j++) b.u8(8 + j, (15 - j) | j << 4);
        float[] v = b.decode(kernel(GgmlType.Q5_1), 32);
        for (int j = 0; j < 16; j++) {
            assertThat(v[j]).isEqualTo(31 - j + 0.5f);
            assertThat(v[j + 16]).isEqualTo(j + 0.5f);
        }
    }

    @Test
    void iq4_nlMapsNibblesThroughItsLevelTable() {
        BlockBytes b = new BlockBytes(18).half(0, 2f);
        for (int j = 0; j < 16; j++) b.u8(2 + j, j | (15 - j) << 4);
        float[] v = b.decode(kernel(GgmlType.IQ4_NL), 32);
        int[] levels = {-127, -104, -83, -65, -49, -35, -22, -10, 1, 13, 25, 38, 53, 69, 89, 113};
        for (int j = 0; j < 16; j++) {
            assertThat(v[j]).isEqualTo(2f * levels[j]);
            assertThat(v[j + 16]).isEqualTo(2f * levels[15 - j]);
        }
    }

    @Test
    void q2_kUsesFourBitScalesAndMinsPerSixteenAndTwoBitsPerSlice() {
        BlockBytes b = new BlockBytes(84).half(80, 1f).half(82, 0.5f);
        for (int g = 0; g < 16; g++) b.u8(g, g | 1 << 4);
        b.fill(16, 64, 0b11_10_01_00); // slice j of each half reads bits 2j..2j+1 = j
        float[] v = b.decode(kernel(GgmlType.Q2_K), 256);
        for (int i = 0; i < 256; i++) {
            int g = i / 16, slice = (i % 128) / 32;
            assertThat(v[i]).as("element %d", i).isEqualTo(g * slice - 0.5f);
        }
    }

    @Test
    void q3_kSubtractsFourWhereTheHighMaskBitIsClear() {
        BlockBytes b = new BlockBytes(110).half(108, 2f);
        for (int l = 0; l < 32; l++) b.u8(l, (l & 1) == 0 ? 0xFF : 0x00);
        b.fill(32, 64, 0b11_10_01_00);
        b.fill(96, 8, 0x11).fill(104, 4, 0xAA); // every 6-bit scale = 1 | 2 << 4 = 33, i.e. 1 after the -32
        float[] v = b.decode(kernel(GgmlType.Q3_K), 256);
        for (int i = 0; i < 256; i++) {
            int slice = (i % 128) / 32, l = i % 32;
            int q = slice - ((l & 1) == 0 ? 0 : 4);
            assertThat(v[i]).as("element %d", i).isEqualTo(2f * q);
        }
    }

    /** The 12 packed bytes of Q4_K/Q5_K: scales j+1 and mins j, except sub-block 4 whose scale 37 needs 6 bits. */
    private static void kScales(BlockBytes b) {
        for (int j = 0; j < 4; j++) {
            b.u8(4 + j, j + 1);
            b.u8(8 + j, j);
        }
        b.u8(4, 1 | 2 << 6); // top bits of sub-block 4's scale (37 = 5 | 2 << 4)
        b.u8(12, 5 | 4 << 4);
        for (int j = 5; j < 8; j++) b.u8(8 + j, (j + 1) | j << 4);
    }

    private static int kScale(int j) {
        return j == 4 ? 37 : j + 1;
    }

    @Test
    void q4_kHasSixBitScalesAndMinsPerThirtyTwoValues() {
        BlockBytes b = new BlockBytes(144).half(0, 1f).half(2, 0.5f);
        kScales(b);
        for (int c = 0; c < 4; c++) for (int l = 0; l < 32; l++) b.u8(16 + 32 * c + l, (l % 16) | (15 - l % 16) << 4);
        float[] v = b.decode(kernel(GgmlType.Q4_K), 256);
        for (int i = 0; i < 256; i++) {
            int j = i / 32, l = i % 32;
            int q = (j & 1) == 0 ? l % 16 : 15 - l % 16;
            assertThat(v[i]).as("element %d", i).isEqualTo(kScale(j) * q - 0.5f * j);
        }
    }

    @Test
    void q5_kTakesTheFifthBitOfSubBlockJFromBitJOfQh() {
        BlockBytes b = new BlockBytes(176).half(0, 1f).half(2, 0.5f);
        kScales(b);
        for (int l = 0; l < 32; l++) b.u8(16 + l, l < 16 ? 0b0101_0101 : 0b1010_1010); // even sub-blocks: l < 16, odd: l >= 16
        for (int c = 0; c < 4; c++) for (int l = 0; l < 32; l++) b.u8(48 + 32 * c + l, (l % 16) | (15 - l % 16) << 4);
        float[] v = b.decode(kernel(GgmlType.Q5_K), 256);
        for (int i = 0; i < 256; i++) {
            int j = i / 32, l = i % 32;
            int q = ((j & 1) == 0 ? l % 16 : 15 - l % 16) + (((j & 1) == 0) == (l < 16) ? 16 : 0);
            assertThat(v[i]).as("element %d", i).isEqualTo(kScale(j) * q - 0.5f * j);
        }
    }

    @Test
    void q6_kJoinsFourLowAndTwoHighBitsWithSignedScalesPerSixteen() {
        BlockBytes b = new BlockBytes(210).half(208, 0.5f);
        b.fill(0, 128, 0x21).fill(128, 64, 0b11_10_01_00);
        for (int g = 0; g < 16; g++) b.u8(192 + g, g - 8);
        float[] v = b.decode(kernel(GgmlType.Q6_K), 256);
        int[] quarterValue = {1 - 32, (1 | 1 << 4) - 32, (2 | 2 << 4) - 32, (2 | 3 << 4) - 32};
        for (int i = 0; i < 256; i++) {
            int g = i / 16, quarter = (i % 128) / 32;
            assertThat(v[i]).as("element %d", i).isEqualTo(0.5f * (g - 8) * quarterValue[quarter]);
        }
    }
}
