package hearth.engine.tokenizer;

/**
 * One pre-tokenizer step. Each step refines the current list of fragments (lengths in code points) into smaller
 * fragments; text between two matches of a pattern becomes a fragment of its own, so nothing is ever dropped.
 */
sealed interface SplitRule permits Gpt2Split, Llama3Split, RegexSplit {

    /** Splits every fragment of {@code in} (consecutive lengths over {@code text}) and appends the pieces to {@code out}. */
    void split(SplitText text, IntList in, IntList out);
}
