package hearth.cli;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class DotEnvTest {
    @Test
    void parsesAssignmentsCommentsExportsAndQuotes() {
        Map<String, String> m = DotEnv.parse("""
                # a comment
                PORT=8081
                export HOST = 0.0.0.0
                MODEL_PATH=./models/x.gguf # trailing comment
                KEY='single # not a comment'
                MULTI="a\\nb \\"q\\""
                EMPTY=
                not a line
                =nokey
                HASH=abc#def
                """);
        assertThat(m).containsEntry("PORT", "8081").containsEntry("HOST", "0.0.0.0")
                .containsEntry("MODEL_PATH", "./models/x.gguf").containsEntry("KEY", "single # not a comment")
                .containsEntry("MULTI", "a\nb \"q\"").containsEntry("EMPTY", "").containsEntry("HASH", "abc#def")
                .hasSize(7);
    }

    @Test
    void aMissingFileHasNoVariables(@TempDir Path dir) throws Exception {
        assertThat(DotEnv.read(dir.resolve(".env"))).isEmpty();
        Files.writeString(dir.resolve(".env"), "A=1\r\nB=2\r\n");
        assertThat(DotEnv.read(dir.resolve(".env"))).isEqualTo(Map.of("A", "1", "B", "2"));
    }
}
