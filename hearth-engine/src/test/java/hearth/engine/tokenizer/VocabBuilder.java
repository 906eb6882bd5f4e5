package hearth.engine.tokenizer;

import hearth.engine.gguf.GgufMetadata;
import hearth.engine.gguf.GgufValue;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/** Small hand-made vocabularies as GGUF metadata, for tests of single rules. */
final class VocabBuilder {
    private final Map<String, GgufValue> kv = new LinkedHashMap<>();
    private final List<String> tokens = new ArrayList<>();
    private final List<Integer> types = new ArrayList<>();
    private final List<Float> scores = new ArrayList<>();
    private final List<String> merges = new ArrayList<>();

    private VocabBuilder(String model) {
        kv.put("general.architecture", GgufValue.of("test"));
        kv.put("tokenizer.ggml.model", GgufValue.of(model));
    }

    static VocabBuilder spm() {
        return new VocabBuilder("llama")
                .token("<unk>", TokenType.UNKNOWN, 0).token("<s>", TokenType.CONTROL, 0).token("</s>", TokenType.CONTROL, 0);
    }

    static VocabBuilder bpe(String pre) {
        VocabBuilder b = new VocabBuilder("gpt2");
        if (pre != null) b.set("tokenizer.ggml.pre", GgufValue.of(pre));
        return b;
    }

    VocabBuilder token(String text, TokenType type, float score) {
        tokens.add(text);
        types.add(type.ordinal());
        scores.add(score);
        return this;
    }

    VocabBuilder normal(String... texts) {
        for (String t : texts) token(t, TokenType.NORMAL, 0);
        return this;
    }

    /** SPM byte tokens {@code <0x00>} .. {@code <0xFF>}. */
    VocabBuilder byteTokens() {
        for (int b = 0; b < 256; b++) token(String.format("<0x%02X>", b), TokenType.BYTE, 0);
        return this;
    }

    /** The 256 one-character tokens of the byte-level BPE alphabet. */
    VocabBuilder byteAlphabet() {
        for (int b = 0; b < 256; b++) normal(String.valueOf(ByteLevel.encode(b)));
        return this;
    }

    VocabBuilder merge(String left, String right) {
        merges.add(left + " " + right);
        return this;
    }

    VocabBuilder set(String key, GgufValue value) {
        kv.put(key, value);
        return this;
    }

    int idOf(String text) {
        return tokens.lastIndexOf(text);
    }

    GgufMetadata metadata() {
        Map<String, GgufValue> m = new LinkedHashMap<>(kv);
        m.put("tokenizer.ggml.tokens", GgufValue.ofStrings(tokens.toArray(String[]::new)));
        m.put("tokenizer.ggml.token_type", GgufValue.ofInt32s(types.stream().mapToInt(Integer::intValue).toArray()));
        float[] s = new float[scores.size()];
        for (int i = 0; i < s.length; i++) s[i] = scores.get(i);
        m.put("tokenizer.ggml.scores", GgufValue.ofFloat32s(s));
        if (kv.get("tokenizer.ggml.model").value().equals("gpt2")) {
            m.put("tokenizer.ggml.merges", GgufValue.ofStrings(merges.toArray(String[]::new)));
        }
        return new GgufMetadata("synthetic", m);
    }

    Tokenizer build() {
        return Tokenizer.fromGguf(metadata());
    }
}
