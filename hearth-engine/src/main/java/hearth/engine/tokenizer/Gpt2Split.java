package hearth.engine.tokenizer;

import static hearth.engine.tokenizer.UnicodeProps.LETTER;
import static hearth.engine.tokenizer.UnicodeProps.NUMBER;
import static hearth.engine.tokenizer.UnicodeProps.WHITESPACE;

/**
 * Hand-written matcher for GPT-2's pattern
 * {@code 's|'t|'re|'ve|'m|'ll|'d| ?\p{L}+| ?\p{N}+| ?[^\s\p{L}\p{N}]+|\s+(?!\S)|\s+}, with the reference's own
 * reading of it: categories from {@link UnicodeProps}, and a final {@code \s+} alternative (the reference adds it even
 * where the vocabulary's pattern lacks it; a lone whitespace would otherwise be a gap fragment, the same piece).
 */
record Gpt2Split() implements SplitRule {

    @Override
    public void split(SplitText text, IntList in, IntList out) {
        int[] cps = text.cps;
        int[] flags = text.flags();
        int start = 0;
        for (int f = 0; f < in.size(); f++) {
            Cursor c = new Cursor(cps, flags, start, start + in.get(f), out);
            c.run();
            start += in.get(f);
        }
    }

    /** Scans one fragment [begin, end); positions outside it read as "no character" (flags 0). */
    private static final class Cursor {
        private static final int NONE = -1;
        private final int[] cps;
        private final int[] flags;
        private final int begin;
        private final int end;
        private final IntList out;
        private int tokenStart;

        Cursor(int[] cps, int[] flags, int begin, int end, IntList out) {
            this.cps = cps;
            this.flags = flags;
            this.begin = begin;
            this.end = end;
            this.out = out;
            this.tokenStart = begin;
        }

        private int cp(int pos) {
            return pos >= begin && pos < end ? cps[pos] : NONE;
        }

        private int fl(int pos) {
            return pos >= begin && pos < end ? flags[pos] : 0;
        }

        /** Ends the current piece at {@code pos}; returns its length. */
        private int emit(int pos) {
            int len = pos - tokenStart;
            if (len > 0) out.add(len);
            tokenStart = pos;
            return len;
        }

        void run() {
            int pos = begin;
            while (pos < end) {
                int c = cp(pos);
                int f = fl(pos);
                if (c == '\'' && pos + 1 < end) {
                    int next = cp(pos + 1);
                    if (next == 's' || next == 't' || next == 'm' || next == 'd') {
                        pos += emit(pos + 2);
                        continue;
                    }
                    if (pos + 2 < end) {
                        int next2 = cp(pos + 2);
                        if ((next == 'r' && next2 == 'e') || (next == 'v' && next2 == 'e') || (next == 'l' && next2 == 'l')) {
                            pos += emit(pos + 3);
                            continue;
                        }
                    }
                }
                int f2 = c == ' ' ? fl(pos + 1) : f;
                if ((f2 & LETTER) != 0) { // ' ?\p{L}+'
                    if (c == ' ') pos++;
                    while ((fl(pos) & LETTER) != 0) pos++;
                    emit(pos);
                    continue;
                }
                if ((f2 & NUMBER) != 0) { // ' ?\p{N}+'
                    if (c == ' ') pos++;
                    while ((fl(pos) & NUMBER) != 0) pos++;
                    emit(pos);
                    continue;
                }
                if (isOther(f2)) { // ' ?[^\s\p{L}\p{N}]+'
                    if (c == ' ') pos++;
                    while (isOther(fl(pos))) pos++;
                    emit(pos);
                    continue;
                }
                int spaces = 0;
                while ((fl(pos + spaces) & WHITESPACE) != 0) spaces++;
                if (spaces > 1 && cp(pos + spaces) != NONE) { // '\s+(?!\S)': leave the last space to the next word
                    pos += spaces - 1;
                    emit(pos);
                    continue;
                }
                if (spaces > 0) { // '\s+'
                    pos += spaces;
                    emit(pos);
                    continue;
                }
                emit(++pos);
            }
        }

        /** A character that is neither whitespace, letter nor number ({@code flags != 0}: inside the fragment). */
        private static boolean isOther(int flags) {
            return flags != 0 && (flags & (WHITESPACE | LETTER | NUMBER)) == 0;
        }
    }
}
