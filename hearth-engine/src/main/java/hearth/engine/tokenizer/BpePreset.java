package hearth.engine.tokenizer;

/**
 * What a {@code tokenizer.ggml.pre} value selects for a BPE vocabulary: the pre-tokenizer family and the reference's
 * default switches for it (before the GGUF's own {@code add_bos_token} etc. override them).
 *
 * @param family      {@link PreTokenizer#family} name
 * @param cleanSpaces decoding cleans up spaces (HF {@code clean_up_tokenization_spaces})
 * @param ignoreMerges a word that is a token is not merged further
 * @param addBos      BOS is added by default
 * @param noBos       the vocabulary has no BOS token unless the file names one
 */
record BpePreset(String family, boolean cleanSpaces, boolean ignoreMerges, boolean addBos, boolean noBos) {

    private static BpePreset of(String family) {
        return new BpePreset(family, true, false, false, false);
    }

    private BpePreset noClean() {
        return new BpePreset(family, false, ignoreMerges, addBos, noBos);
    }

    /** The preset for a {@code tokenizer.ggml.pre} value; a missing or empty value means {@code default}. */
    static BpePreset forPre(String pre) {
        return switch (pre == null ? "" : pre) {
            case "", "default" -> of("default");
            case "llama3", "llama-v3", "llama-bpe", "falcon3" -> new BpePreset("llama3", true, true, true, false);
            case "deepseek-llm" -> of("deepseek-llm").noClean();
            case "deepseek-coder" -> of("deepseek-coder").noClean();
            case "deepseek-v3" -> of("deepseek3").noClean();
            case "falcon" -> of("falcon");
            case "mpt", "gpt-2", "phi-2", "jina-es", "jina-de", "gigachat", "jina-v1-en", "jina-v2-es", "jina-v2-de",
                 "jina-v2-code", "roberta-bpe", "olmo", "jais" -> of("gpt2");
            case "starcoder", "refact", "codeshell", "exaone", "minerva-7b" -> of("starcoder");
            case "command-r", "smollm" -> of("starcoder").noClean();
            case "qwen2", "deepseek-r1-qwen" -> of("qwen2").noClean();
            case "megrez", "stablelm2" -> of("qwen2");
            case "dbrx" -> of("dbrx");
            case "smaug-bpe" -> of("smaug");
            case "poro-chat" -> of("poro").noClean();
            case "bloom", "gpt3-finnish" -> of("poro");
            case "chatglm-bpe" -> new BpePreset("chatglm4", true, false, false, true);
            case "viking" -> of("viking").noClean();
            case "tekken" -> new BpePreset("tekken", false, true, true, false);
            case "chameleon" -> new BpePreset("chameleon", false, false, true, false);
            default -> throw new UnsupportedTokenizerException("unknown pre-tokenizer type '" + pre + "'");
        };
    }
}
