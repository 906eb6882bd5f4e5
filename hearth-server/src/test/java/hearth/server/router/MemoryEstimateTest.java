package hearth.server.router;

import static org.assertj.core.api.Assertions.assertThat;

import hearth.engine.gguf.GgufValue;
import hearth.engine.kv.KvCacheType;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class MemoryEstimateTest {
    @TempDir
    Path dir;

    @Test
    void kvBytesAreLayersTimesSlotsTimesKvHeadsTimesHeadBytes() throws Exception {
        Path p = dir.resolve("m.gguf");
        Ggufs.llama(5, 64, 8, 4, 2048).write(p);  // head size 64/8 = 8
        MemoryEstimate e = MemoryEstimate.of(p, 1000, 0, 1, KvCacheType.F16, KvCacheType.F16);
        // 5 layers x 2048 slots x 4 kv heads x (8 x 2 + 8 x 2) bytes
        assertThat(e.kvBytes()).isEqualTo(5L * 2048 * 4 * 32);
        assertThat(e.weightBytes()).isEqualTo(1000);
        assertThat(e.total()).isEqualTo(1000 + 5L * 2048 * 4 * 32);
    }

    @Test
    void parallelSlotsContextAndCacheTypeScaleIt() throws Exception {
        Path p = dir.resolve("m.gguf");
        Ggufs.llama(2, 128, 4, 2, 32768).write(p);  // head size 32; trained context above the 4096 default cap
        assertThat(MemoryEstimate.of(p, 0, 0, 1, KvCacheType.F16, KvCacheType.F16).kvBytes()).isEqualTo(2L * 4096 * 2 * 32 * 4);
        assertThat(MemoryEstimate.of(p, 0, 1000, 3, KvCacheType.F32, KvCacheType.F16).kvBytes())
                .as("3000 tokens round up to 3008 (16-token blocks)").isEqualTo(2L * 3008 * 2 * (32 * 4 + 32 * 2));
    }

    @Test
    void aQ8CacheCosts34BytesPer32ValuesOfEachLayersRow() throws Exception {
        Path p = dir.resolve("m.gguf");
        Ggufs.llama(2, 128, 4, 2, 32768).write(p);  // rows of 2 kv heads x 32 = 64 values: two blocks
        long f16 = MemoryEstimate.of(p, 0, 1000, 1, KvCacheType.F16, KvCacheType.F16).kvBytes();
        long q8 = MemoryEstimate.of(p, 0, 1000, 1, KvCacheType.Q8_0, KvCacheType.Q8_0).kvBytes();
        long q8k = MemoryEstimate.of(p, 0, 1000, 1, KvCacheType.Q8_0, KvCacheType.F16).kvBytes();
        assertThat(q8).isEqualTo(2L * 1008 * (2 * 34 + 2 * 34));
        assertThat(q8k).isEqualTo(2L * 1008 * (2 * 34 + 64 * 2));
        assertThat((double) q8 / f16).isEqualTo(34.0 / 64);
        Ggufs.llama(1, 24, 4, 1, 64).write(p);  // a row of one kv head of 6 values still takes a whole block
        assertThat(MemoryEstimate.of(p, 0, 0, 1, KvCacheType.Q8_0, KvCacheType.F32).kvBytes()).isEqualTo(64L * (34 + 6 * 4));
    }

    @Test
    void explicitHeadSizesAndPerLayerKvHeadsAreHonoured() throws Exception {
        Path p = dir.resolve("m.gguf");
        Ggufs.llama(3, 256, 8, 4, 64)
                .put("llama.attention.head_count_kv", GgufValue.ofInt32s(4, 2, 0))
                .put("llama.attention.key_length", GgufValue.ofUInt32(16))
                .put("llama.attention.value_length", GgufValue.ofUInt32(8))
                .write(p);
        assertThat(MemoryEstimate.of(p, 0, 0, 1, KvCacheType.F16, KvCacheType.F16).kvBytes()).isEqualTo(64L * (4 + 2 + 0) * (16 * 2 + 8 * 2));
    }

    @Test
    void aSplitModelIsReadFromItsFirstFile() throws Exception {
        Ggufs.llama(1, 8, 2, 2, 16).put("split.no", GgufValue.ofUInt16(0)).put("split.count", GgufValue.ofUInt16(2))
                .write(dir.resolve("s-00001-of-00002.gguf"));
        Ggufs.llama(1, 8, 2, 2, 16).put("split.no", GgufValue.ofUInt16(1)).put("split.count", GgufValue.ofUInt16(2))
                .write(dir.resolve("s-00002-of-00002.gguf"));
        CatalogEntry e = ModelCatalog.scan(dir).find("s").orElseThrow();
        assertThat(MemoryEstimate.of(e.file(), e.bytes(), 0, 1, KvCacheType.F16, KvCacheType.F16).weightBytes())
                .isEqualTo(Files.size(dir.resolve("s-00001-of-00002.gguf")) * 2);
    }
}
