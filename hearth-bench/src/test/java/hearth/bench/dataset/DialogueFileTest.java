package hearth.bench.dataset;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.SplittableRandom;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Prompt files in the three usual shapes, as JSON Lines or one array, become requests with sensible output lengths. */
class DialogueFileTest {
    @TempDir
    Path dir;

    static final TokenEstimator TPC = new TokenEstimator(0.25, false);

    @Test
    void jsonLinesOfPromptsMessagesAndShareGptAreRead() throws Exception {
        Path f = dir.resolve("p.jsonl");
        Files.writeString(f, """
                {"prompt": "Write a haiku", "output_len": 30}

                {"messages": [{"role": "system", "content": "Be brief"}, {"role": "user", "content": [{"type": "text", "text": "Hi"}]}]}
                {"conversations": [{"from": "human", "value": "Tell me a story"}, {"from": "gpt", "value": "%s"}, {"from": "human", "value": "More"}]}
                {"conversations": [{"from": "gpt", "value": "no user turn"}]}
                {"unrelated": true}
                """.formatted("x".repeat(400)));
        List<Dialogue> ds = DialogueFile.read(f);
        assertThat(ds).hasSize(3);
        assertThat(ds.get(0).messages()).containsExactly(Message.user("Write a haiku"));
        assertThat(ds.get(0).outputTokens()).isEqualTo(30);
        assertThat(ds.get(1).messages()).containsExactly(Message.system("Be brief"), Message.user("Hi"));
        assertThat(ds.get(2).messages()).extracting(Message::role).containsExactly("user", "assistant", "user");
    }

    @Test
    void aJsonArrayFileIsReadToo() throws Exception {
        Path f = dir.resolve("sharegpt.json");
        Files.writeString(f, "  [{\"conversations\": [{\"from\": \"human\", \"value\": \"a\"}]}, {\"prompt\": \"b\"}]");
        assertThat(DialogueFile.read(f)).hasSize(2);
    }

    @Test
    void aFileWithoutUsableRecordsIsAnErrorNamingIt() throws Exception {
        Path f = dir.resolve("empty.jsonl");
        Files.writeString(f, "{\"x\": 1}\n");
        assertThatThrownBy(() -> DialogueFile.read(f)).hasMessageContaining("empty.jsonl").hasMessageContaining("no usable records");
        Path bad = dir.resolve("bad.jsonl");
        Files.writeString(bad, "{\"prompt\": \"a\"}\nnot json\n");
        assertThatThrownBy(() -> DialogueFile.read(bad)).hasMessageContaining("bad.jsonl:2");
    }

    @Test
    void transcriptsAreCutAfterTheFirstUserTurnAndTheReplySetsTheOutputLength() {
        Dialogue d = new Dialogue(List.of(Message.user("Q1"), Message.assistant("y".repeat(80)), Message.user("Q2")), 0);
        Dialogue t = new Dialogue(List.of(Message.user("Q1"), Message.assistant("y".repeat(80))), 0);
        // ends with a user message: a captured request, sent whole
        Turn whole = FileWorkload.turn(d, null, 128, TPC, new SplittableRandom(1));
        assertThat(whole.messages()).hasSize(3);
        assertThat(whole.outputTokens()).isEqualTo(128);
        // a transcript: first user turn, output as long as the recorded reply
        Turn cut = FileWorkload.turn(t, null, 128, TPC, new SplittableRandom(1));
        assertThat(cut.messages()).containsExactly(Message.user("Q1"));
        assertThat(cut.outputTokens()).isEqualTo(20);
        // --output-len wins over everything
        assertThat(FileWorkload.turn(t, LengthRange.fixed(5), 128, TPC, new SplittableRandom(1)).outputTokens()).isEqualTo(5);
    }

    @Test
    void theFileWorkloadCyclesThroughItsRecords() throws Exception {
        Path f = dir.resolve("two.jsonl");
        Files.writeString(f, "{\"prompt\": \"a\"}\n{\"prompt\": \"b\"}\n");
        var w = new FileWorkload(f, DialogueFile.read(f), null, 16, TPC, 1);
        var seen = new java.util.ArrayList<String>();
        for (int i = 0; i < 4; i++) seen.add(w.nextConversation().next(null).promptText());
        assertThat(seen.subList(0, 2)).containsExactlyInAnyOrder("a", "b");
        assertThat(seen.subList(2, 4)).isEqualTo(seen.subList(0, 2));
    }
}
