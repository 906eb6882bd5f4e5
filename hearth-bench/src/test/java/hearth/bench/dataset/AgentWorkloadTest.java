package hearth.bench.dataset;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;

/** Agent conversations resend their growing history with the server's replies, so each turn extends the last. */
class AgentWorkloadTest {
    static final TokenEstimator TPC = new TokenEstimator(0.25, false);

    @Test
    void eachTurnResendsTheHistoryWithTheServersReply() {
        var w = AgentWorkload.synthetic(3, 40, LengthRange.fixed(20), LengthRange.fixed(8), TPC, 1);
        Conversation c = w.nextConversation();
        Turn t1 = c.next(null);
        Turn t2 = c.next("reply one");
        Turn t3 = c.next("reply two");
        assertThat(c.next("reply three")).isNull();
        assertThat(t1.messages()).extracting(Message::role).containsExactly("system", "user");
        assertThat(t2.messages()).extracting(Message::role).containsExactly("system", "user", "assistant", "user");
        assertThat(t3.messages().subList(0, 4)).isEqualTo(t2.messages());
        assertThat(t3.messages().get(4)).isEqualTo(Message.assistant("reply two"));
        assertThat(t2.promptText()).startsWith(t1.promptText().substring(0, t1.promptText().length() - "assistant:".length()));
        assertThat(t3.promptTokens()).isGreaterThan(t2.promptTokens()).isGreaterThan(t1.promptTokens());
        assertThat(t1.outputTokens()).isEqualTo(8);
    }

    @Test
    void allConversationsShareTheSystemPromptButNotTheirUserTurns() {
        var w = AgentWorkload.synthetic(2, 40, LengthRange.fixed(20), LengthRange.fixed(8), TPC, 1);
        Turn a = w.nextConversation().next(null), b = w.nextConversation().next(null);
        assertThat(a.messages().get(0)).isEqualTo(b.messages().get(0));
        assertThat(a.messages().get(1)).isNotEqualTo(b.messages().get(1));
    }

    @Test
    void aFailedTurnLeavesAnEmptyReplyAndTheConversationGoesOn() {
        Conversation c = AgentWorkload.synthetic(2, 0, LengthRange.fixed(5), LengthRange.fixed(4), TPC, 1).nextConversation();
        c.next(null);
        Turn t2 = c.next(null);
        assertThat(t2.messages()).extracting(Message::content).element(1).isEqualTo("");
    }

    @Test
    void aReplayedFileKeepsItsUserTurnsAndReplyLengths() {
        Dialogue d = new Dialogue(List.of(Message.system("sys"), Message.user("first"), Message.assistant("y".repeat(40)),
                Message.user("second"), Message.assistant("z".repeat(8))), 0);
        var w = AgentWorkload.replay(Path.of("x.jsonl"), List.of(d), null, 99, TPC, 1);
        Conversation c = w.nextConversation();
        Turn t1 = c.next(null);
        Turn t2 = c.next("server said this");
        assertThat(c.next("again")).isNull();
        assertThat(t1.messages()).containsExactly(Message.system("sys"), Message.user("first"));
        assertThat(t1.outputTokens()).isEqualTo(10);
        assertThat(t2.messages()).containsExactly(Message.system("sys"), Message.user("first"),
                Message.assistant("server said this"), Message.user("second"));
        assertThat(t2.outputTokens()).isEqualTo(2);
    }
}
