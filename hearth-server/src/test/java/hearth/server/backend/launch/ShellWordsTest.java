package hearth.server.backend.launch;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.List;
import org.junit.jupiter.api.Test;

class ShellWordsTest {
    @Test
    void safeWordsStayBareAndOthersAreSingleQuoted() {
        assertThat(ShellWords.quote("--tensor-split")).isEqualTo("--tensor-split");
        assertThat(ShellWords.quote("vasp-02:50052,vasp-03:50052")).isEqualTo("vasp-02:50052,vasp-03:50052");
        assertThat(ShellWords.quote("a b")).isEqualTo("'a b'");
        assertThat(ShellWords.quote("")).isEqualTo("''");
        assertThat(ShellWords.quote("it's")).isEqualTo("'it'\\''s'");
        assertThat(ShellWords.quote("$HOME")).isEqualTo("'$HOME'");
    }

    @Test
    void splitUndoesJoin() {
        List<String> argv = List.of("llama-server", "--model", "/m/my model.gguf", "--chat-template", "it's \"x\"", "");
        assertThat(ShellWords.split(ShellWords.join(argv))).isEqualTo(argv);
    }

    @Test
    void splitHonoursQuotesAndBackslashes() {
        assertThat(ShellWords.split("  --a 1 --b \"two words\" 'c d' e\\ f \"q\\\"\"")).containsExactly(
                "--a", "1", "--b", "two words", "c d", "e f", "q\"");
        assertThat(ShellWords.split("")).isEmpty();
        assertThatThrownBy(() -> ShellWords.split("'open")).hasMessageContaining("unclosed");
        assertThatThrownBy(() -> ShellWords.split("\"open")).hasMessageContaining("unclosed");
    }
}
