/**
 * Tokenizers built from GGUF metadata that reproduce llama.cpp (c392e50) id for id.
 *
 * <p>{@link hearth.engine.tokenizer.Tokenizer#fromGguf} reads {@code tokenizer.ggml.*} and returns a
 * {@link hearth.engine.tokenizer.SentencePieceTokenizer} ({@code llama}), {@link hearth.engine.tokenizer.BpeTokenizer}
 * ({@code gpt2}, with the {@link hearth.engine.tokenizer.PreTokenizer} named by {@code tokenizer.ggml.pre}) or
 * {@link hearth.engine.tokenizer.WordPieceTokenizer} ({@code bert}). Special tokens written in the input are matched
 * first (control tokens only when asked, user-defined tokens always). {@link hearth.engine.tokenizer.StreamingDecoder}
 * turns generated ids into text without splitting UTF-8 characters.
 *
 * <p>Unicode classes come from the JDK with Unicode 16.0 additions masked, to match the reference's 15.1 tables; the
 * pre-tokenizer patterns run on java.util.regex over the same category-collapsed text the reference feeds std::regex.
 */
package hearth.engine.tokenizer;
