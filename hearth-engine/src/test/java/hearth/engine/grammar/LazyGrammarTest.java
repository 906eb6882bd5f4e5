package hearth.engine.grammar;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.charset.StandardCharsets;
import java.util.List;
import org.junit.jupiter.api.Test;

/** A lazy grammar at the token level: free until a trigger text appears, then the grammar from the trigger on. */
class LazyGrammarTest {
    // tokens: 0 "Hi", 1 " there", 2 "<", 3 "call", 4 ">", 5 "<call>", 6 "<call>7", 7 "<call>x", 8 "7", 9 "x", 10 control, 11 EOG
    private static final String[] PIECES = {"Hi", " there", "<", "call", ">", "<call>", "<call>7", "<call>x", "7", "x"};
    private static final int CONTROL = 10, EOG = 11;
    private static final TokenIndex INDEX;

    static {
        byte[][] bytes = new byte[12][];
        for (int i = 0; i < PIECES.length; i++) bytes[i] = PIECES[i].getBytes(StandardCharsets.UTF_8);
        INDEX = TokenIndex.of(bytes, new int[] {EOG});
    }

    /** {@code <call>} then one to three digits and a closing {@code .} — the digits stand for a call's arguments. */
    private static final Grammar CALL = Grammar.parse("root ::= \"<call>\" [0-9]{1,3} \".\"").lazy(List.of("<call>"));

    @Test
    void beforeTheTriggerEveryTokenIsAllowedAndTheTextMayEnd() {
        TokenConstraint c = new TokenConstraint(CALL, INDEX);
        assertThat(c.waiting()).isTrue();
        for (int t = 0; t <= EOG; t++) if (t != 7) assertThat(c.allows(t)).as("token %d", t).isTrue();
        c.accept(0);
        c.accept(1);
        c.accept(CONTROL);
        assertThat(c.waiting()).isTrue();
        assertThat(c.isAccepting()).isTrue();
        assertThat(c.complete()).isFalse();
        c.accept(EOG);
        assertThat(c.ended()).isTrue();
    }

    @Test
    void aTriggerSplitOverSeveralTokensSwitchesTheGrammarOn() {
        TokenConstraint c = new TokenConstraint(CALL, INDEX);
        c.accept(0);
        c.accept(2);
        c.accept(3);
        assertThat(c.waiting()).isTrue();
        c.accept(4); // "<" "call" ">" completes the trigger
        assertThat(c.waiting()).isFalse();
        assertThat(c.allows(9)).as("x is not a digit").isFalse();
        assertThat(c.allows(EOG)).as("the call is not finished").isFalse();
        assertThat(c.allows(8)).isTrue();
        c.accept(8);
        assertThat(c.matcher().accepts(".".getBytes(StandardCharsets.UTF_8))).isTrue();
    }

    @Test
    void aTokenThatCompletesTheTriggerMustAlsoFitWhatFollowsIt() {
        TokenConstraint c = new TokenConstraint(CALL, INDEX);
        c.accept(1);
        assertThat(c.allows(7)).as("<call>x: the grammar wants a digit").isFalse();
        assertThat(c.allows(6)).isTrue();
        c.accept(6); // "<call>7": trigger and the first digit in one token
        assertThat(c.waiting()).isFalse();
        assertThat(c.matcher().accepts("12.".getBytes(StandardCharsets.UTF_8))).isTrue();
        assertThat(c.matcher().accepts("123.".getBytes(StandardCharsets.UTF_8))).as("three digits at most, one was written").isFalse();
    }

    @Test
    void aControlTokenBetweenTheTriggersPiecesBreaksTheTrigger() {
        TokenConstraint c = new TokenConstraint(CALL, INDEX);
        c.accept(2);
        c.accept(CONTROL);
        c.accept(3);
        c.accept(4);
        assertThat(c.waiting()).isTrue();
    }

    @Test
    void theMaskBeforeTheTriggerDropsOnlyTokensThatStartAWrongCall() {
        TokenConstraint c = new TokenConstraint(CALL, INDEX);
        float[] logits = new float[12];
        c.mask(logits, 12);
        for (int t = 0; t < 12; t++) assertThat(logits[t]).as("token %d", t).isEqualTo(t == 7 ? Float.NEGATIVE_INFINITY : 0f);
        assertThat(c.allowedCount()).isEqualTo(11);
    }

    @Test
    void aTriggerMustBeAbleToBeginASentence() {
        Grammar g = Grammar.parse("root ::= \"<call>\" [0-9]+");
        assertThatThrownBy(() -> g.lazy(List.of("call"))).isInstanceOf(GrammarException.class).hasMessageContaining("call");
        assertThatThrownBy(() -> g.lazy(List.of())).isInstanceOf(GrammarException.class);
        Grammar lazy = g.lazy(List.of("<call>", "<call>1"));
        assertThat(lazy.isLazy()).isTrue();
        assertThat(lazy.triggers()).containsExactly("<call>", "<call>1");
        assertThat(g.isLazy()).isFalse();
        assertThat(lazy.matches("<call>12")).isTrue();
    }

    @Test
    void anyOfSeveralTriggersSwitchesTheGrammarOn() {
        Grammar g = Grammar.parse("root ::= (\"<a>\" | \"<b>\") [0-9]").lazy(List.of("<b>", "<a>"));
        TokenIndex index = TokenIndex.of(new byte[][] {"x<a>".getBytes(StandardCharsets.UTF_8), "<b>".getBytes(StandardCharsets.UTF_8),
                "1".getBytes(StandardCharsets.UTF_8), null}, new int[] {3});
        TokenConstraint c = new TokenConstraint(g, index);
        c.accept(0);
        assertThat(c.waiting()).isFalse();
        assertThat(c.allows(1)).as("<a><b> is not a call").isFalse();
        c.accept(2);
        assertThat(c.complete()).isTrue();
    }
}
