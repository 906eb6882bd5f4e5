package hearth.engine.model;

import hearth.engine.gguf.GgufMetadata;
import hearth.engine.gguf.GgufValue;
import hearth.engine.kv.BlockTable;
import hearth.engine.kv.KvCache;
import hearth.engine.kv.KvCacheType;
import hearth.engine.tokenizer.Tokenizer;
import java.nio.charset.StandardCharsets;
import java.util.Arrays;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Set;
import java.util.WeakHashMap;

/**
 * A stand-in model with no weights, for pipeline and load tests: it "predicts" the bytes of {@link #SCRIPT} (or a
 * given script) by position (the token after position p is byte (p + 1) mod length of the script), so output is
 * deterministic and the same for every prompt of the same length: a prompt of n tokens is continued with the script
 * from byte n mod length. It takes a configurable time per step.
 *
 * <p>Timing: every forward step sleeps {@code 1 / tokensPerSecond}; a step in which a sequence is seen for the first
 * time (its first prefill chunk) sleeps {@code prefillMillis} more. The sleeps block the engine thread like real compute
 * would, so scheduling, batching, queueing and cancellation behave as with a real model.
 *
 * <p>{@link #tokenizer()} is a byte-level BPE vocabulary with one token per byte plus ChatML control tokens.
 */
public final class MockModel implements Model {
    /** The text the model generates, cycled. */
    public static final String SCRIPT = "Once upon a time, a small robot counted the stars above the quiet town. ";

    /** Control tokens after the 256 byte tokens: end of text, and ChatML turn markers. */
    public static final String EOS = "<|endoftext|>", IM_START = "<|im_start|>", IM_END = "<|im_end|>";

    private static final int CONTROL = 3, NORMAL = 1; // GGUF token_type values
    private static final int EOS_ID = 256;
    private static final float PEAK = 30f;             // logit of the scripted token; all others 0

    private final ModelConfig config;
    private final long stepNanos;
    private final long prefillNanos;
    private final byte[] script;
    /** Block tables of sequences already charged their prefill time (weak: the scheduler owns them). */
    private final Set<BlockTable> seen = Collections.newSetFromMap(new WeakHashMap<>());

    /**
     * @param tokensPerSecond decode steps per second (0 or less: no delay)
     * @param prefillMillis   extra time of a sequence's first step, i.e. roughly its time to first token
     * @param contextLength   the context the model reports as trained
     */
    public MockModel(double tokensPerSecond, long prefillMillis, int contextLength) {
        this(tokensPerSecond, prefillMillis, contextLength, SCRIPT);
    }

    /**
     * A mock that generates the bytes of {@code script} instead of {@link #SCRIPT} (still by position). A NUL character
     * in the script stands for the end-of-text token, so a script can end a generation the way a model does.
     */
    public MockModel(double tokensPerSecond, long prefillMillis, int contextLength, String script) {
        if (script.isEmpty()) throw new IllegalArgumentException("the script must not be empty");
        this.script = script.getBytes(StandardCharsets.UTF_8);
        this.stepNanos = tokensPerSecond > 0 ? (long) (1e9 / tokensPerSecond) : 0;
        this.prefillNanos = Math.max(0, prefillMillis) * 1_000_000L;
        this.config = new ModelConfig("mock", 8, 1, 8, 1, 1, 1, 1, 256 + 3, contextLength, 1e-5f,
                new ModelConfig.Rope(1, 10000f, false, "none", 1f, contextLength, 32f, 1f, 0f, 1f));
    }

    /** The vocabulary the mock model speaks: byte i is token i, then {@link #EOS}, {@link #IM_START}, {@link #IM_END}. */
    public static Tokenizer tokenizer() {
        return Tokenizer.fromGguf(vocabulary());
    }

    /** GGUF metadata of the mock vocabulary (byte-level BPE, no merges, no BOS). */
    public static GgufMetadata vocabulary() {
        String[] tokens = new String[256 + 3];
        int[] types = new int[tokens.length];
        for (int b = 0; b < 256; b++) {
            tokens[b] = String.valueOf(byteChar(b));
            types[b] = NORMAL;
        }
        tokens[256] = EOS;
        tokens[257] = IM_START;
        tokens[258] = IM_END;
        Arrays.fill(types, 256, tokens.length, CONTROL);
        Map<String, GgufValue> kv = new LinkedHashMap<>();
        kv.put("general.architecture", GgufValue.of("mock"));
        kv.put("general.name", GgufValue.of("mock"));
        kv.put("tokenizer.ggml.model", GgufValue.of("gpt2"));
        kv.put("tokenizer.ggml.pre", GgufValue.of("default"));
        kv.put("tokenizer.ggml.tokens", GgufValue.ofStrings(tokens));
        kv.put("tokenizer.ggml.token_type", GgufValue.ofInt32s(types));
        kv.put("tokenizer.ggml.merges", GgufValue.ofStrings());
        kv.put("tokenizer.ggml.bos_token_id", GgufValue.ofUInt32(256));
        kv.put("tokenizer.ggml.eos_token_id", GgufValue.ofUInt32(256));
        kv.put("tokenizer.ggml.add_bos_token", GgufValue.ofBool(false));
        return new GgufMetadata("mock", kv);
    }

    /** GPT-2's byte-to-character table: printable Latin-1 stands for itself, the other bytes map to U+0100 upwards. */
    private static char byteChar(int b) {
        int next = 0x100;
        for (int i = 0; i < b; i++) if (!printable(i)) next++;
        return printable(b) ? (char) b : (char) next;
    }

    private static boolean printable(int b) {
        return (b >= 0x21 && b <= 0x7E) || (b >= 0xA1 && b <= 0xAC) || (b >= 0xAE && b <= 0xFF);
    }

    /** The token the model predicts after the token at {@code position}. */
    public int tokenAfter(int position) {
        int b = script[(position + 1) % script.length] & 0xFF;
        return b == 0 ? EOS_ID : b;
    }

    @Override
    public ModelConfig config() {
        return config;
    }

    @Override
    public long fileBytes() {
        return 0;
    }

    @Override
    public KvCache newCache(int slots, KvCacheType typeK, KvCacheType typeV) {
        return new KvCache(1, slots, 1, 1, typeK, typeV);
    }

    @Override
    public void forward(ForwardBatch batch, KvCache cache, float[] logits) {
        boolean newSequence = false;
        for (BlockTable t : batch.tables()) newSequence |= seen.add(t);
        sleep(stepNanos + (newSequence ? prefillNanos : 0));
        int vocab = config.vocabSize();
        int row = 0;
        for (int i = 0; i < batch.size(); i++) {
            if (!batch.logits()[i]) continue;
            int off = row++ * vocab;
            Arrays.fill(logits, off, off + vocab, 0f);
            logits[off + tokenAfter(batch.positions()[i])] = PEAK;
        }
    }

    private static void sleep(long nanos) {
        if (nanos <= 0) return;
        try {
            Thread.sleep(nanos / 1_000_000L, (int) (nanos % 1_000_000L));
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    @Override
    public void close() {}
}
