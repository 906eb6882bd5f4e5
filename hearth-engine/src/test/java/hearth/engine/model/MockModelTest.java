package hearth.engine.model;

import static org.assertj.core.api.Assertions.assertThat;

import hearth.engine.Engine;
import hearth.engine.EngineConfig;
import hearth.engine.FinishReason;
import hearth.engine.GenerateRequest;
import hearth.engine.ops.WorkerPool;
import hearth.engine.tokenizer.Tokenizer;
import java.nio.file.Path;
import java.util.Optional;
import org.junit.jupiter.api.Test;

class MockModelTest {
    private static Engine engine(double tps, long prefillMs) {
        EngineConfig cfg = EngineConfig.of(Path.of("mock")).withThreads(1).withContextSize(512).withParallel(2);
        return Engine.of("mock", new MockModel(tps, prefillMs, 4096), MockModel.tokenizer(), new WorkerPool(1), cfg, Optional.empty());
    }

    @Test
    void tokenizerSpellsEveryByteAsOneTokenAndParsesChatmlMarkers() {
        Tokenizer tok = MockModel.tokenizer();
        assertThat(tok.encode("Hi there")).containsExactly('H', 'i', ' ', 't', 'h', 'e', 'r', 'e');
        assertThat(tok.encode("é")).containsExactly(0xC3, 0xA9);
        assertThat(tok.encode("<|im_start|>user", true, true)).startsWith(257).hasSize(5);
        assertThat(tok.decode(new int[] {'o', 'k', ' ', 0xC3, 0xA9})).isEqualTo("ok é");
        assertThat(tok.isEndOfGeneration(256)).isTrue();
        assertThat(tok.isEndOfGeneration(258)).isTrue();
    }

    @Test
    void greedyGenerationFollowsTheScriptFromThePromptLength() {
        try (Engine e = engine(0, 0)) {
            int[] prompt = e.tokenizer().encode("abc");
            Engine.Result r = e.generate(GenerateRequest.greedy("t", prompt, 10), null);
            assertThat(r.text()).isEqualTo(MockModel.SCRIPT.substring(3, 13));
            assertThat(r.done().reason()).isEqualTo(FinishReason.LENGTH);
            assertThat(r.done().usage().completionTokens()).isEqualTo(10);
        }
    }

    @Test
    void aNulInACustomScriptEndsTheGenerationWithEndOfText() {
        EngineConfig cfg = EngineConfig.of(Path.of("mock")).withThreads(1).withContextSize(512);
        try (Engine e = Engine.of("mock", new MockModel(0, 0, 4096, "ab\0"), MockModel.tokenizer(), new WorkerPool(1), cfg, Optional.empty())) {
            // a 3-token prompt continues the script from byte 0: "ab", then end of text
            Engine.Result r = e.generate(GenerateRequest.greedy("t", e.tokenizer().encode("xyz"), 10), null);
            assertThat(r.text()).isEqualTo("ab");
            assertThat(r.done().reason()).isEqualTo(FinishReason.STOP);
        }
    }

    @Test
    void stepsTakeTheConfiguredTime() {
        try (Engine e = engine(100, 200)) {
            long start = System.nanoTime();
            Engine.Result r = e.generate(GenerateRequest.greedy("t", e.tokenizer().encode("x"), 10), null);
            long ms = (System.nanoTime() - start) / 1_000_000;
            // 10 steps at 10 ms + 200 ms prefill on the first
            assertThat(ms).isBetween(290L, 2000L);
            assertThat(r.done().usage().ttftNanos() / 1_000_000).isGreaterThanOrEqualTo(200);
        }
    }
}
