package hearth.engine.grammar;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.stream.Stream;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

/** A table of grammars and texts: which are whole sentences, which are only prefixes, which are rejected. */
class GrammarMatchingTest {
    enum Verdict { SENTENCE, PREFIX, REJECTED }

    static final Verdict S = Verdict.SENTENCE, P = Verdict.PREFIX, R = Verdict.REJECTED;

    static Stream<Arguments> cases() {
        return Stream.of(
                // literals and sequences
                Arguments.of("root ::= \"abc\"", "abc", S),
                Arguments.of("root ::= \"abc\"", "ab", P),
                Arguments.of("root ::= \"abc\"", "", P),
                Arguments.of("root ::= \"abc\"", "abd", R),
                Arguments.of("root ::= \"abc\"", "abcd", R),
                Arguments.of("root ::= \"a\" \"b\" \"c\"", "abc", S),
                Arguments.of("root ::= \"\"", "", S),
                Arguments.of("root ::= \"\"", "x", R),
                // alternatives, groups and rule references
                Arguments.of("root ::= \"cat\" | \"car\" | \"dog\"", "car", S),
                Arguments.of("root ::= \"cat\" | \"car\" | \"dog\"", "ca", P),
                Arguments.of("root ::= \"cat\" | \"car\" | \"dog\"", "cow", R),
                Arguments.of("root ::= (\"a\" | \"b\") \"c\"", "bc", S),
                Arguments.of("root ::= greeting \" \" name\ngreeting ::= \"hi\" | \"hello\"\nname ::= [A-Z] [a-z]*", "hello Ann", S),
                Arguments.of("root ::= greeting \" \" name\ngreeting ::= \"hi\" | \"hello\"\nname ::= [A-Z] [a-z]*", "hi ann", R),
                // character classes: ranges, several items, negation, any
                Arguments.of("root ::= [a-cx]", "x", S),
                Arguments.of("root ::= [a-cx]", "d", R),
                Arguments.of("root ::= [^a-c]", "d", S),
                Arguments.of("root ::= [^a-c]", "b", R),
                Arguments.of("root ::= [^a-c]", "é", S),
                Arguments.of("root ::= [^\"\\\\]+", "no quotes", S),
                Arguments.of("root ::= [^\"\\\\]+", "a\"b", R),
                Arguments.of("root ::= .", "€", S),
                Arguments.of("root ::= .", "\uD83D\uDE00", S),
                Arguments.of("root ::= . .", "€", P),
                Arguments.of("root ::= [а-я]+", "привет", S),
                Arguments.of("root ::= [а-я]+", "hello", R),
                Arguments.of("root ::= \"\\x41\\u00e9\\n\"", "Aé\n", S),
                // repetition
                Arguments.of("root ::= \"a\"*", "", S),
                Arguments.of("root ::= \"a\"*", "aaaa", S),
                Arguments.of("root ::= \"a\"+", "", P),
                Arguments.of("root ::= \"a\"+", "aaa", S),
                Arguments.of("root ::= \"a\"? \"b\"", "b", S),
                Arguments.of("root ::= \"a\"? \"b\"", "ab", S),
                Arguments.of("root ::= \"a\"? \"b\"", "aab", R),
                Arguments.of("root ::= [0-9]{3}", "12", P),
                Arguments.of("root ::= [0-9]{3}", "123", S),
                Arguments.of("root ::= [0-9]{3}", "1234", R),
                Arguments.of("root ::= [0-9]{2,4}", "1", P),
                Arguments.of("root ::= [0-9]{2,4}", "12", S),
                Arguments.of("root ::= [0-9]{2,4}", "1234", S),
                Arguments.of("root ::= [0-9]{2,4}", "12345", R),
                Arguments.of("root ::= [0-9]{2,}", "123456789", S),
                Arguments.of("root ::= (\"ab\"){0,2} \"c\"", "ababc", S),
                Arguments.of("root ::= (\"ab\"){0,2} \"c\"", "abababc", R),
                Arguments.of("root ::= (\"a\"?)* \"b\"", "aab", S),
                // recursion that consumes input first (not left recursion)
                Arguments.of("root ::= \"(\" root \")\" | \"x\"", "((x))", S),
                Arguments.of("root ::= \"(\" root \")\" | \"x\"", "((x)", P),
                Arguments.of("root ::= \"(\" root \")\" | \"x\"", "(x))", R),
                Arguments.of("root ::= list\nlist ::= item (\",\" item)*\nitem ::= [0-9]+ | \"[\" list \"]\"", "1,[2,[3]],4", S),
                // ambiguity: both readings survive until one fails
                Arguments.of("root ::= \"a\"* \"a\" \"b\"", "aaab", S),
                Arguments.of("root ::= x x\nx ::= \"a\" | \"aa\"", "aaa", S),
                Arguments.of("root ::= x x\nx ::= \"a\" | \"aa\"", "aaaaa", R),
                // comments and line breaks between elements
                Arguments.of("# a comment\nroot ::=\n  \"a\"   # first\n  | \"b\"\n", "b", S));
    }

    @ParameterizedTest(name = "{0} on \"{1}\" is {2}")
    @MethodSource("cases")
    void grammarClassifiesText(String gbnf, String text, Verdict expected) {
        Grammar g = Grammar.parse(gbnf);
        Verdict actual = g.matches(text) ? S : g.isPrefix(text) ? P : R;
        assertThat(actual).isEqualTo(expected);
    }

    @ParameterizedTest(name = "{0} on \"{1}\" byte by byte")
    @MethodSource("cases")
    void feedingOneByteAtATimeGivesTheSameVerdict(String gbnf, String text, Verdict expected) {
        GrammarMatcher m = Grammar.parse(gbnf).matcher();
        boolean alive = true;
        for (byte b : text.getBytes(java.nio.charset.StandardCharsets.UTF_8)) {
            if (!m.advance(new byte[] {b})) {
                alive = false;
                break;
            }
        }
        Verdict actual = !alive ? R : m.isAccepting() ? S : P;
        assertThat(actual).isEqualTo(expected);
    }
}
