package hearth.engine.tokenizer;

import hearth.engine.gguf.GgufMetadata;
import java.io.IOException;
import java.nio.file.Path;

/**
 * Text to token ids and back, exactly as llama.cpp (c392e50) does it for the same GGUF vocabulary.
 *
 * <p>Thread-safe: instances are immutable and every call keeps its state on the stack.
 */
public sealed interface Tokenizer permits SentencePieceTokenizer, BpeTokenizer, WordPieceTokenizer {

    /** Builds the tokenizer described by a GGUF file's {@code tokenizer.ggml.*} metadata. */
    static Tokenizer fromGguf(GgufMetadata metadata) {
        return TokenizerLoader.load(metadata);
    }

    /**
     * Builds the tokenizer of a GGUF file from its header alone; works for vocabulary-only files (no tensors, which
     * llama.cpp ships without the padding of an empty data section).
     */
    static Tokenizer fromGguf(Path path) throws IOException {
        return TokenizerLoader.load(TokenizerLoader.readMetadata(path));
    }

    Vocabulary vocabulary();

    /**
     * Token ids of {@code text}.
     *
     * @param addSpecial   add BOS / EOS where the vocabulary asks for them (WordPiece always adds CLS ... SEP)
     * @param parseSpecial text spelling a control token (e.g. {@code <|im_start|>}, {@code <s>}) becomes that token;
     *                     otherwise it is tokenized as ordinary text. User-defined tokens are matched either way.
     */
    int[] encode(String text, boolean addSpecial, boolean parseSpecial);

    /** Ids of plain text: no BOS/EOS, special-token spellings are ordinary text. */
    default int[] encode(String text) {
        return encode(text, false, false);
    }

    /** The bytes a token stands for, control tokens included as their text (the reference's piece with special=true). */
    default byte[] tokenBytes(int id) {
        return vocabulary().piece(id, true);
    }

    /** The bytes of a token; with {@code special} false, control and unknown tokens render as nothing. */
    default byte[] piece(int id, boolean special) {
        return vocabulary().piece(id, special);
    }

    /**
     * Bytes of a token sequence, as the reference's {@code llama_detokenize}: one leading space is dropped for SPM
     * vocabularies (it was added by encoding) and spaces are cleaned up where the vocabulary asks for it.
     */
    default byte[] detokenize(int[] ids, boolean removeSpecial, boolean unparseSpecial) {
        return Detokenizer.detokenize(vocabulary(), ids, removeSpecial, unparseSpecial);
    }

    /** Text of a token sequence; control tokens are not shown; bytes that are not valid UTF-8 become U+FFFD. */
    default String decode(int[] ids) {
        return decode(ids, false, false);
    }

    default String decode(int[] ids, boolean removeSpecial, boolean unparseSpecial) {
        return Utf8.decode(detokenize(ids, removeSpecial, unparseSpecial));
    }

    /** A decoder for generated tokens, one at a time, that never splits a UTF-8 character. */
    default StreamingDecoder streamingDecoder() {
        return new StreamingDecoder(this);
    }

    default int vocabularySize() {
        return vocabulary().size();
    }

    /** The token's text as stored in the vocabulary. */
    default String tokenText(int id) {
        return vocabulary().text(id);
    }

    /** Id of the token spelled exactly {@code text} (e.g. {@code "<|im_end|>"}), or -1. */
    default int tokenId(String text) {
        return vocabulary().id(text);
    }

    default SpecialTokens specialTokens() {
        return vocabulary().specials();
    }

    /** Beginning-of-sequence id, or -1. */
    default int bos() {
        return vocabulary().specials().bos();
    }

    /** End-of-sequence id, or -1. */
    default int eos() {
        return vocabulary().specials().eos();
    }

    /** End-of-turn id, or -1. */
    default int eot() {
        return vocabulary().specials().eot();
    }

    /** Whether generating this token ends the generation (EOS, EOT, EOM and the like). */
    default boolean isEndOfGeneration(int id) {
        return vocabulary().specials().isEndOfGeneration(id);
    }

    default boolean isControl(int id) {
        return vocabulary().type(id) == TokenType.CONTROL;
    }

    /** The token for a newline: SPM its byte token, WordPiece the padding token, BPE the first token of "\n". */
    int newline();
}
