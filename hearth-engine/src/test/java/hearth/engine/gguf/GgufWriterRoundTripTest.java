package hearth.engine.gguf;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import hearth.engine.tensor.GgmlType;
import hearth.engine.tensor.Tensor;
import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/** What GgufWriter writes, GgufFile reads back equal: every metadata type, and tensors of several types and alignments. */
class GgufWriterRoundTripTest {
    @TempDir
    Path dir;

    private static Map<String, GgufValue> everyValueType() {
        Map<String, GgufValue> kv = new LinkedHashMap<>();
        kv.put("general.architecture", GgufValue.of("roundtrip"));
        kv.put("t.u8", GgufValue.ofUInt8(255));
        kv.put("t.i8", GgufValue.ofInt8(-128));
        kv.put("t.u16", GgufValue.ofUInt16(65535));
        kv.put("t.i16", GgufValue.ofInt16(-32768));
        kv.put("t.u32", GgufValue.ofUInt32(4_294_967_295L));
        kv.put("t.i32", GgufValue.ofInt32(Integer.MIN_VALUE));
        kv.put("t.u64", GgufValue.ofUInt64(Long.parseUnsignedLong("18446744073709551615")));
        kv.put("t.i64", GgufValue.ofInt64(Long.MIN_VALUE + 1));
        kv.put("t.f32", GgufValue.ofFloat32(-1.5e-7f));
        kv.put("t.f32.nan", GgufValue.ofFloat32(Float.NaN));
        kv.put("t.f64", GgufValue.ofFloat64(Math.PI));
        kv.put("t.true", GgufValue.ofBool(true));
        kv.put("t.false", GgufValue.ofBool(false));
        kv.put("t.empty", GgufValue.of(""));
        kv.put("t.unicode", GgufValue.of("héllo wörld — 日本語 🦙 \u0000 end"));
        kv.put("t.a.u8", GgufValue.ofArray(new GgufValue.Array(GgufValueType.UINT8, new int[] {0, 1, 255})));
        kv.put("t.a.i8", GgufValue.ofArray(new GgufValue.Array(GgufValueType.INT8, new int[] {-128, 0, 127})));
        kv.put("t.a.u16", GgufValue.ofArray(new GgufValue.Array(GgufValueType.UINT16, new int[] {65535, 7})));
        kv.put("t.a.i16", GgufValue.ofArray(new GgufValue.Array(GgufValueType.INT16, new int[] {-32768, 32767})));
        kv.put("t.a.u32", GgufValue.ofArray(new GgufValue.Array(GgufValueType.UINT32, new long[] {4_294_967_295L, 0})));
        kv.put("t.a.i32", GgufValue.ofInt32s(-1, 0, 1, Integer.MAX_VALUE));
        kv.put("t.a.u64", GgufValue.ofArray(new GgufValue.Array(GgufValueType.UINT64, new long[] {-1L, 1L << 63})));
        kv.put("t.a.i64", GgufValue.ofArray(new GgufValue.Array(GgufValueType.INT64, new long[] {Long.MIN_VALUE, Long.MAX_VALUE})));
        kv.put("t.a.f32", GgufValue.ofFloat32s(1f, -0f, Float.MIN_VALUE, Float.POSITIVE_INFINITY));
        kv.put("t.a.f64", GgufValue.ofArray(new GgufValue.Array(GgufValueType.FLOAT64, new double[] {1e300, -2.5})));
        kv.put("t.a.bool", GgufValue.ofArray(new GgufValue.Array(GgufValueType.BOOL, new boolean[] {true, false, true})));
        kv.put("t.a.str", GgufValue.ofStrings("", "a", "ünï", "🦙🦙"));
        kv.put("t.a.empty", GgufValue.ofArray(new GgufValue.Array(GgufValueType.FLOAT32, new float[0])));
        kv.put("t.a.nested", GgufValue.ofArrays(
                new GgufValue.Array(GgufValueType.STRING, new String[] {"x", "yz"}),
                new GgufValue.Array(GgufValueType.ARRAY, List.of(new GgufValue.Array(GgufValueType.INT64, new long[] {42}))),
                new GgufValue.Array(GgufValueType.BOOL, new boolean[0])));
        return kv;
    }

    private static byte[] randomBytes(Random r, long n) {
        byte[] b = new byte[(int) n];
        r.nextBytes(b);
        return b;
    }

    @ParameterizedTest(name = "alignment {0}")
    @ValueSource(ints = {0, 1, 8, 32, 64, 256, 4096})
    void everyMetadataTypeAndTensorTypeReadsBackEqual(int alignment) throws Exception {
        GgufWriter w = new GgufWriter();
        Map<String, GgufValue> kv = everyValueType();
        if (alignment > 0) kv.put("general.alignment", GgufValue.ofUInt32(alignment));
        kv.forEach(w::put);
        Random r = new Random(alignment);
        record T(String name, GgmlType type, long[] shape) {}
        List<T> specs = List.of(
                new T("f32.vec", GgmlType.F32, new long[] {5}),
                new T("f16.mat", GgmlType.F16, new long[] {3, 7}),
                new T("q8_0.w", GgmlType.Q8_0, new long[] {64, 3}),
                new T("q4_0.w", GgmlType.Q4_0, new long[] {32, 1, 2}),
                new T("q4_k.w", GgmlType.Q4_K, new long[] {256, 2}),
                new T("q6_k.w", GgmlType.Q6_K, new long[] {512, 1, 1, 3}),
                new T("bf16.w", GgmlType.BF16, new long[] {9}),
                new T("i32.w", GgmlType.I32, new long[] {1, 1}),
                new T("iq4_nl.w", GgmlType.IQ4_NL, new long[] {32}));
        Map<String, byte[]> data = new LinkedHashMap<>();
        for (T t : specs) {
            long n = 1;
            for (long d : t.shape()) n *= d;
            byte[] bytes = randomBytes(r, t.type().bytesFor(n));
            data.put(t.name(), bytes);
            w.addTensor(t.name(), t.type(), t.shape(), bytes);
        }
        Path file = dir.resolve("rt.gguf");
        w.write(file);

        int align = alignment > 0 ? alignment : 32;
        assertThat(Files.size(file) % align).isZero();
        try (GgufFile g = GgufFile.open(file)) {
            assertThat(g.version()).isEqualTo(3);
            assertThat(g.alignment()).isEqualTo(align);
            assertThat(g.metadata().asMap()).containsExactlyEntriesOf(kv);
            assertThat(g.tensorInfos().keySet()).containsExactlyElementsOf(data.keySet());
            for (T t : specs) {
                TensorInfo info = g.tensorInfos().get(t.name());
                assertThat(info.type()).isEqualTo(t.type());
                assertThat(info.shape()).containsExactly(t.shape());
                assertThat(info.offset() % align).isZero();
                Tensor tensor = g.tensor(t.name());
                assertThat(tensor.data().toArray(ValueLayout.JAVA_BYTE)).as(t.name()).isEqualTo(data.get(t.name()));
                assertThat(tensor.data().address() % align).as("address of " + t.name()).isZero();
            }
        }
    }

    @Test
    void typedAccessorsReturnTheWrittenValues() throws Exception {
        GgufWriter w = new GgufWriter();
        everyValueType().forEach(w::put);
        Path file = dir.resolve("acc.gguf");
        w.write(file);
        try (GgufFile g = GgufFile.open(file)) {
            GgufMetadata md = g.metadata();
            assertThat(md.getInt("t.u8")).isEqualTo(255);
            assertThat(md.getInt("t.i8")).isEqualTo(-128);
            assertThat(md.getLong("t.u32")).isEqualTo(4_294_967_295L);
            assertThat(Long.toUnsignedString(md.getLong("t.u64"))).isEqualTo("18446744073709551615");
            assertThat(md.getFloat("t.f32")).isEqualTo(-1.5e-7f);
            assertThat(md.getFloat("t.f32.nan")).isNaN();
            assertThat(md.getFloat("t.f64")).isEqualTo((float) Math.PI);
            assertThat(md.getBool("t.true", false)).isTrue();
            assertThat(md.getBool("t.false", true)).isFalse();
            assertThat(md.getString("t.unicode")).isEqualTo("héllo wörld — 日本語 🦙 \u0000 end");
            assertThat(md.getStrings("t.a.str")).containsExactly("", "a", "ünï", "🦙🦙");
            assertThat(md.getInts("t.a.i32")).containsExactly(-1, 0, 1, Integer.MAX_VALUE);
            assertThat(md.getFloats("t.a.f64")).containsExactly(Float.POSITIVE_INFINITY, -2.5f);
            GgufValue.Array nested = md.getArray("t.a.nested");
            assertThat(nested.elementType()).isEqualTo(GgufValueType.ARRAY);
            assertThat(nested.length()).isEqualTo(3);
            assertThat(g.tensorInfos()).isEmpty();
        }
    }

    @Test
    void tensorDataIsStreamedFromAnyMemorySegment() throws Exception {
        float[] values = {1f, 2f, 3f, 4f, 5f, 6f};
        MemorySegment offHeap = java.lang.foreign.Arena.ofAuto().allocate(24);
        MemorySegment.copy(values, 0, offHeap, ValueLayout.JAVA_FLOAT_UNALIGNED.withOrder(java.nio.ByteOrder.LITTLE_ENDIAN), 0, 6);
        Path file = dir.resolve("seg.gguf");
        new GgufWriter().addTensor("x", GgmlType.F32, new long[] {3, 2}, offHeap).write(file);
        try (GgufFile g = GgufFile.open(file)) {
            Tensor t = g.tensor("x");
            assertThat(t.rowLength()).isEqualTo(3);
            assertThat(t.rows()).isEqualTo(2);
            assertThat(t.data().getAtIndex(ValueLayout.JAVA_FLOAT_UNALIGNED.withOrder(java.nio.ByteOrder.LITTLE_ENDIAN), 5)).isEqualTo(6f);
        }
    }

    @Test
    void writerRefusesTensorsItCouldNotWriteCorrectly() {
        GgufWriter w = new GgufWriter();
        assertThatThrownBy(() -> w.addTensor("q", GgmlType.Q8_0, new long[] {48}, new byte[51]))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("block size 32");
        assertThatThrownBy(() -> w.addTensor("f", GgmlType.F32, new long[] {4}, new byte[15]))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("15 bytes given, 16 needed");
        assertThatThrownBy(() -> w.addTensor("d", GgmlType.F32, new long[] {1, 1, 1, 1, 1}, new byte[4]))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("5 dimensions");
        w.addTensor("once", GgmlType.F32, new long[] {1}, new byte[4]);
        assertThatThrownBy(() -> w.addTensor("once", GgmlType.F32, new long[] {1}, new byte[4]))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("duplicate tensor once");
    }

    @Test
    void valuesOfTheWrongJavaTypeOrRangeAreRefused() {
        assertThatThrownBy(() -> new GgufValue(GgufValueType.UINT32, 5)).isInstanceOf(IllegalArgumentException.class).hasMessageContaining("Long");
        assertThatThrownBy(() -> GgufValue.ofUInt8(256)).isInstanceOf(IllegalArgumentException.class).hasMessageContaining("out of range");
        assertThatThrownBy(() -> GgufValue.ofUInt32(-1)).isInstanceOf(IllegalArgumentException.class).hasMessageContaining("out of range");
        assertThatThrownBy(() -> new GgufValue.Array(GgufValueType.FLOAT32, new int[] {1}))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("does not fit element type FLOAT32");
    }
}
