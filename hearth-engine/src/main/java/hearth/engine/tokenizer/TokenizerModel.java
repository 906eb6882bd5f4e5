package hearth.engine.tokenizer;

/** The tokenization algorithm named by {@code tokenizer.ggml.model}. */
public enum TokenizerModel {
    /** {@code llama}: SentencePiece BPE over characters by token score, with byte fallback. */
    SPM,
    /** {@code gpt2}: byte-level BPE with ranked merges after a regex pre-tokenizer. */
    BPE,
    /** {@code bert}: WordPiece, greedy longest match per word. */
    WPM;

    static TokenizerModel fromGguf(String model) {
        return switch (model) {
            case "llama" -> SPM;
            case "gpt2" -> BPE;
            case "bert" -> WPM;
            default -> throw new UnsupportedTokenizerException("tokenizer.ggml.model '" + model
                    + "' is not supported (supported: llama, gpt2, bert)");
        };
    }
}
