package hearth.server.backend;

import hearth.engine.Engine;
import hearth.engine.EngineConfig;
import hearth.engine.model.MockModel;
import hearth.engine.ops.WorkerPool;
import java.util.Optional;

/** An engine over {@link MockModel} (no model file): the real scheduler and loop, scripted tokens at a set speed. */
public final class MockEngine {
    public static final String MODEL_ID = "mock";

    private MockEngine() {}

    /**
     * @param tokensPerSecond decode steps per second (0 = as fast as possible)
     * @param ttftMillis      extra time of each sequence's first step
     */
    public static Engine create(EngineConfig cfg, double tokensPerSecond, long ttftMillis) {
        return create(cfg, tokensPerSecond, ttftMillis, MockModel.SCRIPT);
    }

    /** A mock engine generating {@code script} (see {@link MockModel}: continued from byte prompt-length mod length). */
    public static Engine create(EngineConfig cfg, double tokensPerSecond, long ttftMillis, String script) {
        int ctx = cfg.contextSize() > 0 ? cfg.contextSize() : 4096;
        return Engine.of(MODEL_ID, new MockModel(tokensPerSecond, ttftMillis, ctx, script), MockModel.tokenizer(),
                new WorkerPool(1), cfg.withContextSize(ctx), Optional.empty());
    }
}
