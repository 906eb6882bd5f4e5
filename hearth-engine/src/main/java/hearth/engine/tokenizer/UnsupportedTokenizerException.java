package hearth.engine.tokenizer;

/** The GGUF file names a tokenizer model or pre-tokenizer this engine does not implement, or its vocabulary is unusable. */
public final class UnsupportedTokenizerException extends RuntimeException {
    public UnsupportedTokenizerException(String message) {
        super(message);
    }
}
