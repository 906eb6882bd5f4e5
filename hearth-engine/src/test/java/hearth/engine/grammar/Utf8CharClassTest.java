package hearth.engine.grammar;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.charset.StandardCharsets;
import java.util.SplittableRandom;
import org.junit.jupiter.api.Test;

/** Character classes over code points match exactly the UTF-8 encodings of their members, and nothing invalid. */
class Utf8CharClassTest {

    private static boolean inClass(int cp, int[] ranges, boolean negated) {
        boolean in = false;
        for (int i = 0; i < ranges.length; i += 2) in |= cp >= ranges[i] && cp <= ranges[i + 1];
        return in != negated;
    }

    private static void checkAgainstDefinition(int[] ranges, boolean negated) {
        Grammar g = Grammar.of(java.util.Map.of("root", new Expr.CharClass(ranges, negated)), "root");
        // every boundary of every range, plus random code points of each encoded length
        SplittableRandom rnd = new SplittableRandom(42);
        java.util.List<Integer> probes = new java.util.ArrayList<>();
        for (int r : ranges) for (int d = -1; d <= 1; d++) probes.add(r + d);
        for (int b : new int[] {0, 0x7F, 0x80, 0x7FF, 0x800, 0xD7FF, 0xE000, 0xFFFF, 0x10000, 0x10FFFF}) probes.add(b);
        for (int i = 0; i < 3000; i++) probes.add(rnd.nextInt(0x110000));
        for (int cp : probes) {
            if (cp < 0 || cp > 0x10FFFF || (cp >= 0xD800 && cp <= 0xDFFF)) continue;
            String s = new String(Character.toChars(cp));
            assertThat(g.matches(s)).as("U+%04X", cp).isEqualTo(inClass(cp, ranges, negated));
        }
    }

    @Test
    void positiveClassesAcrossAllEncodedLengths() {
        checkAgainstDefinition(new int[] {'a', 'z', 0xE9, 0xE9, 0x400, 0x44F, 0x4E00, 0x9FFF, 0x1F600, 0x1F64F}, false);
        checkAgainstDefinition(new int[] {0x70, 0x10FFFF}, false);
        checkAgainstDefinition(new int[] {0x7FF, 0x800, 0xFFF0, 0x10010}, false);
    }

    @Test
    void negatedClassesAcrossAllEncodedLengths() {
        checkAgainstDefinition(new int[] {'"', '"', '\\', '\\', 0, 0x1F}, true);
        checkAgainstDefinition(new int[] {0x80, 0x10000}, true);
    }

    @Test
    void invalidUtf8IsNeverMatchedByAnyCharacter() {
        Grammar any = Grammar.parse("root ::= .*");
        byte[][] invalid = {
                {(byte) 0xC0, (byte) 0x80},                    // overlong NUL
                {(byte) 0xE0, (byte) 0x80, (byte) 0x80},       // overlong
                {(byte) 0xED, (byte) 0xA0, (byte) 0x80},       // surrogate U+D800
                {(byte) 0xF4, (byte) 0x90, (byte) 0x80, (byte) 0x80}, // above U+10FFFF
                {(byte) 0x80},                                 // lone continuation
                {(byte) 0xFF}};
        for (byte[] b : invalid) assertThat(any.matcher().accepts(b)).as("%s", java.util.HexFormat.of().formatHex(b)).isFalse();
        assertThat(any.matcher().accepts("añ€😀".getBytes(StandardCharsets.UTF_8))).isTrue();
    }

    @Test
    void aCharacterSplitAcrossFeedsIsStillMatched() {
        GrammarMatcher m = Grammar.parse("root ::= \"<\" [€-€] \">\"").matcher();
        byte[] euro = "€".getBytes(StandardCharsets.UTF_8);
        assertThat(m.advance("<".getBytes(StandardCharsets.UTF_8))).isTrue();
        assertThat(m.advance(new byte[] {euro[0]})).isTrue();
        assertThat(m.isAccepting()).isFalse();
        assertThat(m.advance(new byte[] {euro[1], euro[2], '>'})).isTrue();
        assertThat(m.isAccepting()).isTrue();
    }
}
