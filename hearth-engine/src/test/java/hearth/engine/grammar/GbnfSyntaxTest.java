package hearth.engine.grammar;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.List;
import java.util.Map;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

/** Reading GBNF text into rules, writing it back, and the errors a bad grammar gets. */
class GbnfSyntaxTest {

    @Test
    void rulesAreReadAsExpressions() {
        Map<String, Expr> rules = Gbnf.parse("root ::= \"a\" item* | [^x-z]\nitem ::= (\"b\" | \"c\"){2,3}");
        assertThat(rules.keySet()).containsExactly("root", "item");
        assertThat(rules.get("root")).isEqualTo(new Expr.Alt(List.of(
                new Expr.Seq(List.of(new Expr.Text("a"), Expr.star(new Expr.Ref("item")))),
                new Expr.CharClass(new int[] {'x', 'z'}, true))));
        assertThat(rules.get("item")).isEqualTo(new Expr.Repeat(
                new Expr.Alt(List.of(new Expr.Text("b"), new Expr.Text("c"))), 2, 3));
    }

    @Test
    void escapesStandForTheirCharacters() {
        Map<String, Expr> rules = Gbnf.parse("root ::= \"\\t\\\"\\\\\\x7e\\u00e9\\U0001F600\" [\\]\\-\\n]");
        assertThat(rules.get("root")).isEqualTo(new Expr.Seq(List.of(
                new Expr.Text("\t\"\\~é\uD83D\uDE00"),
                new Expr.CharClass(new int[] {']', ']', '-', '-', '\n', '\n'}, false))));
    }

    @Test
    void openEndedAndExactBoundsAreRead() {
        assertThat(Gbnf.parse("root ::= \"a\"{2,}").get("root")).isEqualTo(new Expr.Repeat(new Expr.Text("a"), 2, Expr.Repeat.UNBOUNDED));
        assertThat(Gbnf.parse("root ::= \"a\"{ 3 }").get("root")).isEqualTo(new Expr.Repeat(new Expr.Text("a"), 3, 3));
    }

    static Stream<String> grammars() {
        return Stream.of(
                "root ::= \"a\" (\"b\" | \"c\")* [^\\n\"\\\\]+ x{1,3}\nx ::= . | \"\" | [a-z0-9_\\-]?",
                "root ::= (\"x\" \"y\"){2} | (\"z\"+)? | [\\]\\^]",
                "root ::= \"\\t\\r\\n\\x01\\u00e9\" ws\nws ::= [ \\t\\n]{0,20}");
    }

    @ParameterizedTest
    @MethodSource("grammars")
    void writtenRulesReadBackToTheSameRules(String text) {
        Map<String, Expr> rules = Gbnf.parse(text);
        assertThat(Gbnf.parse(Gbnf.format(rules))).isEqualTo(rules);
    }

    static Stream<Arguments> badGrammars() {
        return Stream.of(
                Arguments.of("root ::= \"abc", "1:14: unterminated string literal"),
                Arguments.of("root ::= [abc", "unterminated character class"),
                Arguments.of("root ::= (\"a\"", "expected ')'"),
                Arguments.of("root ::= \"a\" )", "unbalanced ')'"),
                Arguments.of("root = \"a\"", "expected '::='"),
                Arguments.of("root ::= \"a\"{3,1}", "below the minimum"),
                Arguments.of("root ::= \"\\q\"", "unknown escape"),
                Arguments.of("root ::= [z-a]", "backwards"),
                Arguments.of("root ::= \"a\"\nroot ::= \"b\"", "2:1: rule 'root' is defined twice"),
                Arguments.of("root ::= \"a\" @", "unexpected '@'"));
    }

    @ParameterizedTest
    @MethodSource("badGrammars")
    void syntaxErrorsSayWhereAndWhat(String text, String message) {
        assertThatThrownBy(() -> Gbnf.parse(text)).isInstanceOf(GrammarException.class).hasMessageContaining(message);
    }

    @Test
    void anUndefinedRuleIsRejected() {
        assertThatThrownBy(() -> Grammar.parse("root ::= item")).isInstanceOf(GrammarException.class)
                .hasMessageContaining("undefined rule 'item'");
    }

    @Test
    void aMissingStartRuleIsRejected() {
        assertThatThrownBy(() -> Grammar.parse("start ::= \"a\"")).isInstanceOf(GrammarException.class)
                .hasMessageContaining("no rule 'root'");
        assertThat(Grammar.parse("start ::= \"a\"", "start").matches("a")).isTrue();
    }

    @Test
    void leftRecursionIsRejected() {
        assertThatThrownBy(() -> Grammar.parse("root ::= root \"a\" | \"b\"")).isInstanceOf(GrammarException.class)
                .hasMessageContaining("left recursion");
        assertThatThrownBy(() -> Grammar.parse("root ::= x \"+\" \"1\" | \"1\"\nx ::= \"\"? root")).isInstanceOf(GrammarException.class)
                .hasMessageContaining("left recursion");
    }

    @Test
    void tailCyclesWithoutInputAreAllowed() {
        Grammar g = Grammar.parse("root ::= a\na ::= b | \"x\"\nb ::= a");
        assertThat(g.matches("x")).isTrue();
        assertThat(g.matches("")).isFalse();
    }

    @Test
    void grammarPrintsAsGbnfWithTheStartRuleFirst() {
        Grammar g = Grammar.parse("item ::= [0-9]+\nroot ::= item (\",\" item)*");
        assertThat(g.toGbnf()).isEqualTo("root ::= item (\",\" item)*\nitem ::= [0-9]+\n");
    }
}
