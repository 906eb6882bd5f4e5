package hearth.engine.tokenizer;

import java.util.ArrayList;
import java.util.List;

/**
 * Finds special tokens written out in the input, before normal tokenization: every occurrence of the text of a
 * control, user-defined or unknown token becomes that token. Tokens are tried longest first, each over all text left
 * by the longer ones, leftmost occurrence first. With {@code parseSpecial} false only user-defined tokens are matched
 * (they are part of the vocabulary's normal text, e.g. runs of spaces in NeoX vocabularies). A token marked lstrip /
 * rstrip also consumes the ASCII whitespace before / after it.
 */
final class SpecialTokenSplitter {
    private SpecialTokenSplitter() {}

    static List<Fragment> split(Vocabulary vocab, String text, boolean parseSpecial) {
        List<Fragment> fragments = new ArrayList<>();
        if (text.isEmpty()) return fragments;
        fragments.add(new Fragment.Text(0, text.length()));
        int[] candidates = vocab.specialTextTokens();
        if (candidates.length == 0) return fragments;
        boolean[] present = vocab.specialTokensIn(text);
        for (int k = 0; k < candidates.length; k++) {
            int id = candidates[k];
            if (!present[k]) continue;
            if (!parseSpecial && vocab.type(id) != TokenType.USER_DEFINED) continue;
            String token = vocab.text(id);
            List<Fragment> next = new ArrayList<>(fragments.size() + 4);
            for (Fragment f : fragments) {
                if (f instanceof Fragment.Text t) {
                    splitOne(text, t.start(), t.end(), id, token, vocab.lstrip(id), vocab.rstrip(id), next);
                } else {
                    next.add(f);
                }
            }
            fragments = next;
        }
        return fragments;
    }

    private static void splitOne(String text, int start, int end, int id, String token, boolean lstrip, boolean rstrip,
                                 List<Fragment> out) {
        int from = start;
        int to = end;
        while (true) {
            int match = text.indexOf(token, from);
            if (match < 0 || match + token.length() > to) {
                if (from < to) out.add(new Fragment.Text(from, to));
                return;
            }
            int leftEnd = match;
            if (lstrip) {
                while (leftEnd > from && isAsciiSpace(text.charAt(leftEnd - 1))) leftEnd--;
            }
            if (leftEnd > from) out.add(new Fragment.Text(from, leftEnd));
            out.add(new Fragment.Token(id));
            from = match + token.length();
            if (rstrip) {
                while (from < to && isAsciiSpace(text.charAt(from))) from++;
            }
            if (from >= to) return;
        }
    }

    /** C {@code isspace} in the "C" locale. */
    private static boolean isAsciiSpace(char c) {
        return c == ' ' || (c >= '\t' && c <= '\r');
    }
}
