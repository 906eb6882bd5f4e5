package hearth.engine.model;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import hearth.engine.TestData;
import hearth.engine.gguf.GgufFile;
import hearth.engine.kv.BlockManager;
import hearth.engine.kv.BlockTable;
import hearth.engine.kv.KvCache;
import hearth.engine.kv.KvCacheType;
import hearth.engine.ops.WorkerPool;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.stream.Stream;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

/** Greedy decoding reproduces llama.cpp's reference vectors: same output ids and top-5 logprobs within tolerance. */
class ConformanceTest {
    private static final ObjectMapper JSON = new ObjectMapper();
    private static final WorkerPool POOL = new WorkerPool(2);

    @AfterAll
    static void closePool() {
        POOL.close();
    }

    static Stream<Path> vectors() throws IOException {
        Path dir = TestData.require("conformance");
        try (Stream<Path> files = Files.list(dir)) {
            return files.filter(p -> p.getFileName().toString().contains("__") && p.toString().endsWith(".json"))
                    .sorted().toList().stream();
        }
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("vectors")
    void greedyOutputMatchesLlamaCpp(Path vector) throws IOException {
        JsonNode ref = JSON.readTree(vector.toFile());
        String modelName = ref.get("model").asText();
        boolean quantised = !(modelName.contains("F32") || modelName.contains("F16") || !modelName.contains("pad256"));
        double tol = quantised ? 2e-2 : 1e-3;
        int[] prompt = ints(ref.get("prompt_tokens"));
        int[] expected = ints(ref.get("output_tokens"));

        try (GgufFile file = GgufFile.open(TestData.require("models/" + modelName));
             Model model = Architectures.load(file, POOL);
             KvCache cache = model.newCache(1024, KvCacheType.F16, KvCacheType.F16)) {
            int vocab = model.config().vocabSize();
            BlockManager blocks = new BlockManager(1024 / 16, 16);
            BlockTable table = new BlockTable(16);
            float[] logits = new float[vocab];
            Report report = new Report(tol);
            int[] step = prompt;
            int pos = 0;
            for (int i = 0; i < expected.length; i++) {
                assertThat(table.ensureCapacity(pos + step.length, blocks)).isTrue();
                model.forward(ForwardBatch.ofSequence(step, pos, table, true), cache, logits);
                pos += step.length;
                double[] logprobs = logSoftmax(logits);
                for (JsonNode e : ref.get("steps").get(i).get("top")) {
                    int id = e.get("id").asInt();
                    report.logprob(i, id, logprobs[id], e.get("logprob").asDouble());
                }
                report.greedy(i, argmax(logits), expected[i]);
                // continue with llama.cpp's token so that later steps stay comparable after a mismatch
                step = new int[] {expected[i]};
            }
            assertThat(report.firstIdMismatch).as(report.summary()).isNull();
            assertThat(report.firstDeviation).as(report.summary()).isNull();
        }
    }

    /** What deviates from the reference, and where it starts (a deviation at step s usually spoils later steps). */
    private static final class Report {
        final double tol;
        double worst;
        String worstAt = "-";
        String firstDeviation;
        String firstIdMismatch;

        Report(double tol) {
            this.tol = tol;
        }

        void logprob(int step, int id, double ours, double theirs) {
            double d = Math.abs(ours - theirs);
            String at = String.format("step %d token %d (ours %.6f, llama.cpp %.6f)", step, id, ours, theirs);
            if (d > worst) {
                worst = d;
                worstAt = at;
            }
            if (d > tol && firstDeviation == null) firstDeviation = at;
        }

        void greedy(int step, int ours, int theirs) {
            if (ours != theirs && firstIdMismatch == null) firstIdMismatch = "step " + step + ": ours " + ours + ", llama.cpp " + theirs;
        }

        String summary() {
            return String.format("worst logprob deviation %.3g at %s; first beyond %.0e: %s; first greedy id mismatch: %s",
                    worst, worstAt, tol, firstDeviation == null ? "none" : firstDeviation,
                    firstIdMismatch == null ? "none (ids identical)" : firstIdMismatch);
        }
    }

    static int[] ints(JsonNode arr) {
        int[] out = new int[arr.size()];
        for (int i = 0; i < out.length; i++) out[i] = arr.get(i).asInt();
        return out;
    }

    static int argmax(float[] a) {
        int best = 0;
        for (int i = 1; i < a.length; i++) if (a[i] > a[best]) best = i;
        return best;
    }

    static double[] logSoftmax(float[] logits) {
        double max = Double.NEGATIVE_INFINITY;
        for (float f : logits) max = Math.max(max, f);
        double sum = 0;
        for (float f : logits) sum += Math.exp(f - max);
        double lse = max + Math.log(sum);
        double[] out = new double[logits.length];
        for (int i = 0; i < logits.length; i++) out[i] = logits[i] - lse;
        return out;
    }
}
