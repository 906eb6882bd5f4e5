package hearth.server.pull;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

class RepoRefTest {
    @Test
    void aQuantisationFollowsTheColon() {
        RepoRef r = RepoRef.parse("Qwen/Qwen2.5-0.5B-Instruct-GGUF:Q4_K_M", null);
        assertThat(r.repo()).isEqualTo("Qwen/Qwen2.5-0.5B-Instruct-GGUF");
        assertThat(r.owner()).isEqualTo("Qwen");
        assertThat(r.quant()).contains("Q4_K_M");
        assertThat(r.revision()).isEqualTo("main");
        assertThat(r.pinnedToCommit()).isFalse();
    }

    @Test
    void hubUrlPrefixesAreDropped() {
        assertThat(RepoRef.parse("hf.co/a/b:Q8_0", "v1").repo()).isEqualTo("a/b");
        assertThat(RepoRef.parse("https://huggingface.co/a/b", null).toString()).isEqualTo("a/b");
        assertThat(RepoRef.parse("a/b:Q8_0", "v1")).hasToString("a/b:Q8_0@v1");
    }

    @ParameterizedTest
    @ValueSource(strings = {"nohash", "a/b/c", "../b", "a/..", "a/b c", "/a/b", "a/b:../x", "a/b:", "a%2F/b"})
    void namesThatCarryPathSyntaxAreRefused(String spec) {
        assertThatThrownBy(() -> RepoRef.parse(spec, null)).isInstanceOf(HubException.class);
    }

    @ParameterizedTest
    @ValueSource(strings = {"../main", "a//b", "-x", "a b"})
    void badRevisionsAreRefused(String rev) {
        assertThatThrownBy(() -> RepoRef.parse("a/b", rev)).isInstanceOf(HubException.class);
    }
}
