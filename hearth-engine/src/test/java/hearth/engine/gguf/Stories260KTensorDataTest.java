package hearth.engine.gguf;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

import hearth.engine.TestData;
import hearth.engine.tensor.Tensor;
import java.io.IOException;
import java.lang.foreign.ValueLayout;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.channels.FileChannel;
import java.nio.file.Path;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/**
 * The mapped F32 tensors of stories260K.gguf hold the floats found by reading the file with a plain FileChannel at
 * the offsets the reference tool (tools/gguf.py) reports: data section at byte 14176, tensor offsets relative to it.
 * The first values and the float64 sums were computed with gguf.py + numpy.
 */
class Stories260KTensorDataTest {
    private static final long DATA_SECTION = 14176;

    private static final ValueLayout.OfFloat F32_LE = ValueLayout.JAVA_FLOAT_UNALIGNED.withOrder(ByteOrder.LITTLE_ENDIAN);

    @ParameterizedTest(name = "{0}")
    @CsvSource({
            "token_embd.weight,     0,       32768, -0.29474878311157227,  0.5618956089019775,   0.1754225343465805,  -752.3677446640068",
            "output_norm.weight,    131072,  64,     2.4583089351654053,   1.3673226833343506,   1.7504382133483887,   115.95276230573654",
            "output.weight,         131328,  32768, -0.29474878311157227,  0.5618956089019775,   0.1754225343465805,  -752.3677446640068",
            "blk.4.ffn_down.weight, 1082880, 11008, -0.04791264981031418, -0.02296368032693863, -0.018824636936187744, 19.543787761240765",
    })
    void mappedFloatsEqualTheBytesAtTheComputedFileOffset(String name, long offset, int count, float v0, float v1, float v2, double sum)
            throws IOException {
        Path file = TestData.require("models/stories260K.gguf");
        float[] expected = readWithFileChannel(file, DATA_SECTION + offset, count);
        assertThat(expected[0]).isEqualTo(v0);
        assertThat(expected[1]).isEqualTo(v1);
        assertThat(expected[2]).isEqualTo(v2);

        try (GgufFile g = GgufFile.open(file)) {
            assertThat(g.tensorInfos().get(name).offset()).isEqualTo(offset);
            Tensor t = g.tensor(name);
            assertThat(t.elements()).isEqualTo(count);
            assertThat(t.data().byteSize()).isEqualTo(4L * count);
            double mappedSum = 0;
            for (int i = 0; i < count; i++) {
                float v = t.data().getAtIndex(F32_LE, i);
                if (Float.floatToRawIntBits(v) != Float.floatToRawIntBits(expected[i])) {
                    throw new AssertionError(name + "[" + i + "] is " + v + " in the mapping but " + expected[i] + " in the file");
                }
                mappedSum += v;
            }
            assertThat(mappedSum).isCloseTo(sum, within(1e-9 * Math.max(1, Math.abs(sum))));
        }
    }

    private static float[] readWithFileChannel(Path file, long position, int count) throws IOException {
        ByteBuffer buf = ByteBuffer.allocate(4 * count).order(ByteOrder.LITTLE_ENDIAN);
        try (FileChannel ch = FileChannel.open(file)) {
            while (buf.hasRemaining()) {
                if (ch.read(buf, position + buf.position()) < 0) throw new IOException("unexpected end of " + file);
            }
        }
        buf.flip();
        float[] out = new float[count];
        buf.asFloatBuffer().get(out);
        return out;
    }
}
