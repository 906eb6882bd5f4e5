package hearth.engine;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

/**
 * A warm-up at load runs the model, one sequence decoding alone and then full rounds, each kind until its rounds stop
 * getting faster; it leaves the engine's own cache empty (no blocks in use, nothing in the prefix index) and changes no
 * output: greedy generation afterwards is llama.cpp's.
 */
class WarmUpTest {

    @Test
    void aWarmedUpEngineStartsEmptyAndGeneratesLlamaCppsTokens() throws Exception {
        Path model = TestData.require("models/stories260K.gguf");
        EngineConfig cfg = EngineConfig.of(model).withThreads(2).withParallel(4).withContextSize(256).withWarmUp(true);
        try (Engine engine = Engine.load(cfg)) {
            WarmUp.Report report = engine.warmUpReport().orElseThrow();
            assertThat(settled(report.aloneMillis()) || report.totalMillis() >= Engine.WARM_UP_BUDGET.toMillis())
                    .as("decoding alone stopped because its last round was no longer faster (or out of time or rounds): %s", report).isTrue();
            assertThat(settled(report.roundMillis()) || report.totalMillis() >= Engine.WARM_UP_BUDGET.toMillis())
                    .as("full rounds stopped because the last was no longer faster (or out of time or rounds): %s", report).isTrue();

            var stats = engine.stats();
            assertThat(stats.usedBlocks()).as("blocks in use after the warm-up").isZero();
            assertThat(stats.cachedBlocks()).as("prefix-cached blocks after the warm-up").isZero();

            JsonNode ref = new ObjectMapper().readTree(TestData.require("conformance/stories260K__once_upon.json").toFile());
            int[] prompt = new int[ref.get("prompt_tokens").size()];
            for (int i = 0; i < prompt.length; i++) prompt[i] = ref.get("prompt_tokens").get(i).asInt();
            List<Integer> expected = new ArrayList<>();
            ref.get("output_tokens").forEach(n -> expected.add(n.asInt()));
            assertThat(engine.generate(GenerateRequest.greedy("w", prompt, 32), null).tokens()).isEqualTo(expected);
        }
    }

    /** At least two rounds, to see whether the last is faster, and the last no longer 10 % faster than the best before. */
    private static boolean settled(List<Long> rounds) {
        if (rounds.size() == 30) return true;
        if (rounds.size() < 2) return false;
        long last = rounds.getLast();
        long bestBefore = rounds.subList(0, rounds.size() - 1).stream().mapToLong(Long::longValue).min().orElseThrow();
        // the rule compares nanoseconds; the report keeps whole milliseconds, each up to 1 ms short of the truth
        return (last + 1) * 1.10 >= bestBefore;
    }

    @Test
    void noWarmUpUnlessAsked() throws Exception {
        Path model = TestData.require("models/stories260K.gguf");
        try (Engine engine = Engine.load(EngineConfig.of(model).withThreads(1).withContextSize(64))) {
            assertThat(engine.warmUpReport()).isEmpty();
        }
    }
}
