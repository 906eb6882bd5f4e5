package hearth.engine.grammar;

/** A grammar or schema that cannot be used: a syntax error, an undefined rule, left recursion, an unsupported schema. */
public final class GrammarException extends IllegalArgumentException {
    public GrammarException(String message) {
        super(message);
    }
}
