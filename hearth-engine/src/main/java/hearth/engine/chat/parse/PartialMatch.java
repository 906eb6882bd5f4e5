package hearth.engine.chat.parse;

import java.util.Collection;

/** For streamed text: how much of its end might still become one of some markers, and so must be held back. */
public final class PartialMatch {
    private PartialMatch() {}

    /** Length of the longest suffix of {@code text} that is a proper prefix of one of {@code markers}. */
    public static int heldSuffix(CharSequence text, Collection<String> markers) {
        int best = 0;
        for (String m : markers) {
            for (int len = Math.min(m.length() - 1, text.length()); len > best; len--) {
                if (endsWithPrefix(text, m, len)) {
                    best = len;
                    break;
                }
            }
        }
        return best;
    }

    private static boolean endsWithPrefix(CharSequence text, String m, int len) {
        int off = text.length() - len;
        for (int i = 0; i < len; i++) if (text.charAt(off + i) != m.charAt(i)) return false;
        return true;
    }
}
