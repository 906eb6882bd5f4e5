package hearth.engine.tokenizer;

/**
 * Per-vocabulary behaviour switches, from GGUF keys or the reference's defaults for the model and pre-tokenizer.
 *
 * @param addBos                 {@code add_special} prepends BOS
 * @param addEos                 {@code add_special} appends EOS
 * @param addSpacePrefix         SPM: a space is put before text that starts the input or follows a special token
 * @param cleanSpaces            decoding removes the space before {@code ?!.,} and some apostrophes (HF
 *                               {@code clean_up_tokenization_spaces})
 * @param ignoreMerges           BPE: a pre-tokenized word that is itself a token is emitted as is
 * @param removeExtraWhitespaces read from the file; only used by tokenizer models this engine does not implement
 */
public record TokenizerOptions(boolean addBos, boolean addEos, boolean addSpacePrefix, boolean cleanSpaces,
                               boolean ignoreMerges, boolean removeExtraWhitespaces) {
}
