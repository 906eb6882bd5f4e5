package hearth.engine.tokenizer;

import static hearth.engine.tokenizer.UnicodeProps.LETTER;
import static hearth.engine.tokenizer.UnicodeProps.NUMBER;
import static hearth.engine.tokenizer.UnicodeProps.WHITESPACE;

/**
 * Hand-written matcher for the Llama-3 pattern
 * {@code (?i:'s|'t|'re|'ve|'m|'ll|'d)|[^\r\n\p{L}\p{N}]?\p{L}+|\p{N}{1,3}| ?[^\s\p{L}\p{N}]+[\r\n]*|\s*[\r\n]+|\s+(?!\S)|\s+}
 * as the reference evaluates it (categories from {@link UnicodeProps}, case folding of the contraction letters by the
 * simple lower-case mapping).
 */
record Llama3Split() implements SplitRule {

    @Override
    public void split(SplitText text, IntList in, IntList out) {
        int[] cps = text.cps;
        int[] flags = text.flags();
        int start = 0;
        for (int f = 0; f < in.size(); f++) {
            new Cursor(cps, flags, start, start + in.get(f), out).run();
            start += in.get(f);
        }
    }

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

        private int emit(int pos) {
            int len = pos - tokenStart;
            if (len > 0) out.add(len);
            tokenStart = pos;
            return len;
        }

        private static boolean isLineBreak(int cp) {
            return cp == '\r' || cp == '\n';
        }

        void run() {
            int pos = begin;
            while (pos < end) {
                int c = cp(pos);
                int f = fl(pos);
                if (c == '\'' && pos + 1 < end) { // contractions, any case
                    int next = UnicodeProps.toLower(cp(pos + 1));
                    if (next == 's' || next == 't' || next == 'm' || next == 'd') {
                        pos += emit(pos + 2);
                        continue;
                    }
                    if (pos + 2 < end) {
                        int next2 = UnicodeProps.toLower(cp(pos + 2));
                        if ((next == 'r' && next2 == 'e') || (next == 'v' && next2 == 'e') || (next == 'l' && next2 == 'l')) {
                            pos += emit(pos + 3);
                            continue;
                        }
                    }
                }
                // '[^\r\n\p{L}\p{N}]?\p{L}+'
                if (!(isLineBreak(c) || (f & NUMBER) != 0)) {
                    if ((f & LETTER) != 0 || (fl(pos + 1) & LETTER) != 0) {
                        pos++;
                        while ((fl(pos) & LETTER) != 0) pos++;
                        emit(pos);
                        continue;
                    }
                }
                if ((f & NUMBER) != 0) { // '\p{N}{1,3}'
                    int groupStart = pos;
                    while ((fl(pos) & NUMBER) != 0) {
                        if (++pos - groupStart >= 3) {
                            emit(pos);
                            groupStart = pos;
                        }
                    }
                    emit(pos);
                    continue;
                }
                // ' ?[^\s\p{L}\p{N}]+[\r\n]*'; f != 0 always holds inside the fragment
                int f2 = c == ' ' ? fl(pos + 1) : f;
                if ((f2 & (WHITESPACE | LETTER | NUMBER)) == 0 && f != 0) {
                    if (c == ' ') pos++;
                    while (f2 != 0 && (f2 & (WHITESPACE | LETTER | NUMBER)) == 0) f2 = fl(++pos);
                    while (isLineBreak(cp(pos))) pos++;
                    emit(pos);
                    continue;
                }
                int spaces = 0;
                int afterLastBreak = 0;
                while ((fl(pos + spaces) & WHITESPACE) != 0) {
                    if (isLineBreak(cp(pos + spaces))) afterLastBreak = pos + spaces + 1;
                    spaces++;
                }
                if (afterLastBreak > 0) { // '\s*[\r\n]+'
                    pos = afterLastBreak;
                    emit(pos);
                    continue;
                }
                if (spaces > 1 && cp(pos + spaces) != NONE) { // '\s+(?!\S)'
                    pos += spaces - 1;
                    emit(pos);
                    continue;
                }
                if (spaces > 0) {
                    pos += spaces;
                    emit(pos);
                    continue;
                }
                emit(++pos);
            }
        }
    }
}
