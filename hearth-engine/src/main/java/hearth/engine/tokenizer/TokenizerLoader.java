package hearth.engine.tokenizer;

import hearth.engine.gguf.GgufMetadata;
import hearth.engine.gguf.GgufReader;
import hearth.engine.gguf.GgufValue;
import java.io.IOException;
import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;
import java.nio.channels.FileChannel;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.List;
import java.util.Locale;
import java.util.Optional;
import java.util.TreeSet;

/** Reads {@code tokenizer.ggml.*} metadata into a {@link Vocabulary} and the matching {@link Tokenizer}. */
final class TokenizerLoader {
    private TokenizerLoader() {}

    private static final String K = "tokenizer.ggml.";

    /** Token texts that mark the end of a turn; each one found is an end-of-generation token. */
    private static final List<String> EOG_TEXTS =
            List.of("<|eot_id|>", "<|im_end|>", "<|end|>", "<end_of_turn>", "<|endoftext|>", "<|eom_id|>", "<EOT>");
    private static final List<String> EOT_TEXTS = List.of("<|eot_id|>", "<|im_end|>", "<|end|>", "<end_of_turn>",
            "<|endoftext|>", "<EOT>", "<\uFF5Cend\u2581of\u2581sentence\uFF5C>");
    private static final List<String> EOM_TEXTS = List.of("<|eom_id|>");
    private static final List<String> FIM_PRE_TEXTS = List.of("<|fim_prefix|>", "<fim-prefix>", "<\uFF5Cfim\u2581begin\uFF5C>", "<PRE>");
    private static final List<String> FIM_SUF_TEXTS = List.of("<|fim_suffix|>", "<fim-suffix>", "<\uFF5Cfim\u2581hole\uFF5C>", "<SUF>");
    private static final List<String> FIM_MID_TEXTS = List.of("<|fim_middle|>", "<fim-middle>", "<\uFF5Cfim\u2581end\uFF5C>", "<MID>");
    private static final List<String> FIM_PAD_TEXTS = List.of("<|fim_pad|>", "<fim-pad>", "<PAD>");
    private static final List<String> FIM_REP_TEXTS = List.of("<|fim_repo|>", "<|repo_name|>", "<fim-repo>", "<REPO>");
    private static final List<String> FIM_SEP_TEXTS = List.of("<|file_sep|>");

    /** The metadata of a GGUF file (first split), read without looking at tensor data. */
    static GgufMetadata readMetadata(Path path) throws IOException {
        try (Arena arena = Arena.ofConfined(); FileChannel ch = FileChannel.open(path, StandardOpenOption.READ)) {
            MemorySegment seg = ch.map(FileChannel.MapMode.READ_ONLY, 0, ch.size(), arena);
            return GgufReader.read(path.toString(), seg, 0).metadata();
        }
    }

    static Tokenizer load(GgufMetadata md) {
        String modelName = md.getString(K + "model");
        if (modelName.equals("none") || modelName.equals("no_vocab")) {
            throw new UnsupportedTokenizerException("the model has no vocabulary (tokenizer.ggml.model = '" + modelName + "')");
        }
        TokenizerModel model = TokenizerModel.fromGguf(modelName);
        String pre = md.string(K + "pre").orElse("");

        // the reference's defaults per model, then per pre-tokenizer
        int bos, eos, unk, sep = -1, pad = -1, mask = -1;
        boolean addBos, addEos = false, addSpacePrefix, cleanSpaces, ignoreMerges = false;
        BpePreset preset = null;
        switch (model) {
            case SPM -> {
                bos = 1; eos = 2; unk = 0;
                addBos = true; addSpacePrefix = true; cleanSpaces = false;
            }
            case WPM -> {
                bos = 101; eos = -1; unk = 100; sep = 102; pad = 0; mask = 103;
                addBos = true; addSpacePrefix = false; cleanSpaces = true;
            }
            case BPE -> {
                preset = BpePreset.forPre(pre);
                bos = preset.noBos() ? -1 : 11; eos = 11; unk = -1;
                addBos = preset.addBos(); addSpacePrefix = false; cleanSpaces = preset.cleanSpaces();
                ignoreMerges = preset.ignoreMerges();
            }
            default -> throw new IllegalStateException();
        }
        addSpacePrefix = md.getBool(K + "add_space_prefix", addSpacePrefix);
        boolean removeExtraWhitespaces = md.getBool(K + "remove_extra_whitespaces", false);

        String[] texts = md.getStrings(K + "tokens").clone();
        int n = texts.length;
        if (n == 0) throw new UnsupportedTokenizerException("tokenizer.ggml.tokens is empty");
        float[] scores = md.has(K + "scores") ? checkLength(md.getFloats(K + "scores"), n, "scores") : new float[n];
        TokenType[] types = new TokenType[n];
        int[] rawTypes = md.has(K + "token_type") ? md.getInts(K + "token_type") : null;
        if (rawTypes != null && rawTypes.length < n) {
            throw new UnsupportedTokenizerException("tokenizer.ggml.token_type has " + rawTypes.length + " entries for " + n + " tokens");
        }
        for (int i = 0; i < n; i++) {
            if (texts[i].isEmpty()) texts[i] = "[EMPTY_" + i + "]";
            types[i] = rawTypes == null ? TokenType.NORMAL : TokenType.fromGguf(rawTypes[i]);
        }
        StringIds ids = Vocabulary.index(texts);

        bos = specialId(md, "bos_token_id", bos, n);
        eos = specialId(md, "eos_token_id", eos, n);
        int eot = specialId(md, "eot_token_id", -1, n);
        int eom = specialId(md, "eom_token_id", -1, n);
        unk = specialId(md, "unknown_token_id", unk, n);
        sep = specialId(md, "seperator_token_id", sep, n); // sic: the key is spelled this way
        pad = specialId(md, "padding_token_id", pad, n);
        mask = specialId(md, "mask_token_id", mask, n);
        int fimPre = specialId(md, "fim_pre_token_id", -1, n);
        int fimSuf = specialId(md, "fim_suf_token_id", -1, n);
        int fimMid = specialId(md, "fim_mid_token_id", -1, n);
        int fimPad = specialId(md, "fim_pad_token_id", -1, n);
        int fimRep = specialId(md, "fim_rep_token_id", -1, n);
        int fimSep = specialId(md, "fim_sep_token_id", -1, n);
        fimPre = specialId(md, "prefix_token_id", fimPre, n); // deprecated spellings, read after the new ones
        fimSuf = specialId(md, "suffix_token_id", fimSuf, n);
        fimMid = specialId(md, "middle_token_id", fimMid, n);
        addBos = md.getBool(K + "add_bos_token", addBos);
        addEos = md.getBool(K + "add_eos_token", addEos);

        // Vocabularies without explicit ids are recognised by token text. The reference takes the first match in
        // hash-map order; here the lowest id wins, which is the same whenever a vocabulary has one candidate.
        // A token found this way is treated as a control token.
        if (eot < 0) eot = detect(ids, EOT_TEXTS, types);
        if (eom < 0) eom = detect(ids, EOM_TEXTS, types);
        if (fimPre < 0) fimPre = detect(ids, FIM_PRE_TEXTS, types);
        if (fimSuf < 0) fimSuf = detect(ids, FIM_SUF_TEXTS, types);
        if (fimMid < 0) fimMid = detect(ids, FIM_MID_TEXTS, types);
        if (fimPad < 0) fimPad = detect(ids, FIM_PAD_TEXTS, types);
        if (fimRep < 0) fimRep = detect(ids, FIM_REP_TEXTS, types);
        if (fimSep < 0) fimSep = detect(ids, FIM_SEP_TEXTS, types);

        TreeSet<Integer> eog = new TreeSet<>();
        for (int id : new int[] {fimPad, fimRep, fimSep, eos, eot, eom}) if (id >= 0) eog.add(id);
        for (String t : EOG_TEXTS) {
            int id = ids.get(t);
            if (id >= 0) {
                eog.add(id);
                types[id] = TokenType.CONTROL;
            }
        }
        SpecialTokens specials = new SpecialTokens(bos, eos, eot, eom, unk, sep, pad, mask, fimPre, fimSuf, fimMid,
                fimPad, fimRep, fimSep, eog.stream().mapToInt(Integer::intValue).toArray());

        boolean[] lstrip = new boolean[n];
        boolean[] rstrip = new boolean[n];
        applyStripRules(md, pre, ids, types, lstrip, rstrip);

        TokenizerOptions options = new TokenizerOptions(addBos, addEos, addSpacePrefix, cleanSpaces, ignoreMerges,
                removeExtraWhitespaces);
        Vocabulary vocab = new Vocabulary(model, texts, scores, types, lstrip, rstrip, ids, specials, options);
        return switch (model) {
            case SPM -> new SentencePieceTokenizer(vocab);
            case WPM -> new WordPieceTokenizer(vocab);
            case BPE -> {
                if (!md.has(K + "merges")) throw new UnsupportedTokenizerException("BPE vocabulary without tokenizer.ggml.merges");
                yield new BpeTokenizer(vocab, PreTokenizer.family(preset.family()), new MergeRanks(md.getStrings(K + "merges")));
            }
        };
    }

    private static float[] checkLength(float[] a, int n, String what) {
        if (a.length < n) throw new UnsupportedTokenizerException("tokenizer.ggml." + what + " has " + a.length + " entries for " + n + " tokens");
        return a;
    }

    /** The id stored under {@code tokenizer.ggml.KEY}, or {@code fallback} when absent or not a valid id. */
    private static int specialId(GgufMetadata md, String key, int fallback, int n) {
        Optional<GgufValue> v = md.get(K + key);
        if (v.isEmpty()) return fallback;
        long id = switch (v.get().value()) {
            case Integer i -> i;
            case Long l -> l;
            case Short s -> s;
            case Byte b -> b;
            default -> -1L;
        };
        return id >= 0 && id < n ? (int) id : fallback;
    }

    private static int detect(StringIds ids, List<String> candidates, TokenType[] types) {
        int best = -1;
        for (String t : candidates) {
            int id = ids.get(t);
            if (id >= 0 && (best < 0 || id < best)) best = id;
        }
        if (best >= 0) types[best] = TokenType.CONTROL;
        return best;
    }

    /**
     * Per-model whitespace stripping around special tokens, which GGUF does not record: Phi-3 special tokens swallow
     * the whitespace after them (except {@code <unk> <s> <|endoftext|>}); Jina v2 {@code <mask>} swallows the
     * whitespace before it.
     */
    private static void applyStripRules(GgufMetadata md, String pre, StringIds ids, TokenType[] types,
                                        boolean[] lstrip, boolean[] rstrip) {
        String name = md.string("general.name").orElse("").toLowerCase(Locale.ROOT);
        if (pre.contains("jina-v2-de") || pre.contains("jina-v2-es") || pre.contains("jina-v2-code")) {
            int mask = ids.get("<mask>");
            if (mask >= 0) lstrip[mask] = true;
        } else if (name.contains("phi-3") || name.contains("phi3")) {
            for (int i = 0; i < types.length; i++) if (types[i].isSpecialText()) rstrip[i] = true;
            int end = ids.get("</s>");
            if (end >= 0) rstrip[end] = true;
            for (String t : List.of("<unk>", "<s>", "<|endoftext|>")) {
                int id = ids.get(t);
                if (id >= 0) rstrip[id] = false;
            }
        }
    }
}
