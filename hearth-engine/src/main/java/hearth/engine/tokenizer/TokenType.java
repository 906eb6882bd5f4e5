package hearth.engine.tokenizer;

/** Token kinds of {@code tokenizer.ggml.token_type} (GGUF values 0..6). */
public enum TokenType {
    UNDEFINED,
    NORMAL,
    UNKNOWN,
    CONTROL,
    USER_DEFINED,
    UNUSED,
    BYTE;

    /** The type of a GGUF {@code token_type} value; unknown values are {@link #UNDEFINED}, as in the reference. */
    public static TokenType fromGguf(int value) {
        return value >= 1 && value <= 6 ? values()[value] : UNDEFINED;
    }

    /** Control, user-defined and unknown tokens are matched as whole strings before normal tokenization. */
    boolean isSpecialText() {
        return this == CONTROL || this == USER_DEFINED || this == UNKNOWN;
    }
}
