package hearth.engine.tokenizer;

import java.util.Arrays;

/**
 * Ids of the vocabulary's special tokens; -1 where the vocabulary has none.
 *
 * @param endOfGeneration sorted ids that end generation: EOS, EOT, EOM, the FIM pad/repo/separator tokens and every
 *                        token spelled like a known end-of-turn marker ({@code <|eot_id|>}, {@code <|im_end|>},
 *                        {@code <|end|>}, {@code <end_of_turn>}, {@code <|endoftext|>}, {@code <|eom_id|>}, {@code <EOT>})
 */
public record SpecialTokens(int bos, int eos, int eot, int eom, int unk, int sep, int pad, int mask,
                            int fimPre, int fimSuf, int fimMid, int fimPad, int fimRep, int fimSep,
                            int[] endOfGeneration) {

    public SpecialTokens {
        endOfGeneration = endOfGeneration.clone();
        Arrays.sort(endOfGeneration);
    }

    @Override
    public int[] endOfGeneration() {
        return endOfGeneration.clone();
    }

    public boolean isEndOfGeneration(int id) {
        return id >= 0 && Arrays.binarySearch(endOfGeneration, id) >= 0;
    }

    @Override
    public boolean equals(Object o) {
        return o instanceof SpecialTokens s && bos == s.bos && eos == s.eos && eot == s.eot && eom == s.eom
                && unk == s.unk && sep == s.sep && pad == s.pad && mask == s.mask && fimPre == s.fimPre
                && fimSuf == s.fimSuf && fimMid == s.fimMid && fimPad == s.fimPad && fimRep == s.fimRep
                && fimSep == s.fimSep && Arrays.equals(endOfGeneration, s.endOfGeneration);
    }

    @Override
    public int hashCode() {
        return Arrays.hashCode(new int[] {bos, eos, eot, eom, unk, sep, pad, mask, fimPre, fimSuf, fimMid, fimPad,
            fimRep, fimSep}) * 31 + Arrays.hashCode(endOfGeneration);
    }

    @Override
    public String toString() {
        return "SpecialTokens[bos=" + bos + ", eos=" + eos + ", eot=" + eot + ", eom=" + eom + ", unk=" + unk
                + ", sep=" + sep + ", pad=" + pad + ", mask=" + mask + ", fim=" + fimPre + "/" + fimSuf + "/" + fimMid
                + "/" + fimPad + "/" + fimRep + "/" + fimSep + ", eog=" + Arrays.toString(endOfGeneration) + "]";
    }
}
