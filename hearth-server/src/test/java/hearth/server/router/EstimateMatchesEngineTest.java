package hearth.server.router;

import static org.assertj.core.api.Assertions.assertThat;

import hearth.engine.Engine;
import hearth.engine.EngineConfig;
import hearth.engine.TestData;
import hearth.engine.kv.KvCacheType;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/** The router's estimate of a model's KV cache is what the engine really allocates, byte for byte. */
class EstimateMatchesEngineTest {
    @ParameterizedTest
    @CsvSource({
            "stories260K.gguf, 0, 1, F16",
            "stories260K.gguf, 300, 3, F32",
            "stories260K-F16.gguf, 1024, 2, F16",
            "stories260K-pad256-Q4_K_M.gguf, 0, 4, F16",
            "llama-2-tiny-random.gguf, 0, 1, F16",
            "llama-2-tiny-random.gguf, 777, 2, F32",
            "stories260K.gguf, 300, 3, Q8_0",
            "llama-2-tiny-random.gguf, 777, 2, Q8_0"})
    void theEstimateEqualsTheEnginesKvCacheAndFileSize(String file, int ctx, int parallel, KvCacheType type) throws Exception {
        Path p = TestData.require("models/" + file);
        EngineConfig cfg = EngineConfig.of(p).withThreads(1).withContextSize(ctx).withParallel(parallel).withCacheTypes(type, type);
        MemoryEstimate m = MemoryEstimate.of(p, Files.size(p), ctx, parallel, type, type);
        try (Engine e = Engine.load(cfg)) {
            assertThat(m.kvBytes()).isEqualTo(e.kvCacheBytes());
            assertThat(m.weightBytes()).isEqualTo(e.fileBytes());
        }
    }
}
