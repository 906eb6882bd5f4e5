package hearth.server.pull;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.List;
import java.util.Optional;
import org.junit.jupiter.api.Test;

class FileSelectorTest {
    private static RepoFile f(String path) {
        return new RepoFile(path, 1, Optional.of("0".repeat(64)), "0".repeat(40));
    }

    private static List<String> select(List<RepoFile> files, Selection sel) {
        return FileSelector.select("o/r", files, sel).stream().map(RepoFile::path).toList();
    }

    final List<RepoFile> repo = List.of(f("README.md"), f("m-Q4_K_M.gguf"), f("m-Q4_K_S.gguf"), f("m.Q8_0.gguf"), f("mmproj-m-F16.gguf"),
            f("UD-Q4_K_XL/m-UD-Q4_K_XL-00001-of-00002.gguf"), f("UD-Q4_K_XL/m-UD-Q4_K_XL-00002-of-00002.gguf"));

    @Test
    void aQuantisationMatchesOnlyWholeNamesBetweenSeparators() {
        assertThatThrownBy(() -> select(repo, Selection.quant("Q4_K"))).hasMessageContaining("no GGUF file for quantisation 'Q4_K'");
        assertThat(select(repo, Selection.quant("Q4_K_M"))).containsExactly("m-Q4_K_M.gguf");
        assertThat(select(repo, Selection.quant("q8_0"))).containsExactly("m.Q8_0.gguf");
    }

    @Test
    void aFolderQuantisationTakesEverySplit() {
        assertThat(select(repo, Selection.quant("UD-Q4_K_XL")))
                .containsExactly("UD-Q4_K_XL/m-UD-Q4_K_XL-00001-of-00002.gguf", "UD-Q4_K_XL/m-UD-Q4_K_XL-00002-of-00002.gguf");
    }

    @Test
    void projectorsAreNeverPickedAsTheModel() {
        assertThatThrownBy(() -> select(repo, Selection.quant("F16"))).hasMessageContaining("no GGUF file for quantisation 'F16'");
    }

    @Test
    void withNoChoiceTheOnlyModelOrQ4KMIsTaken() {
        assertThat(select(repo, Selection.defaults())).containsExactly("m-Q4_K_M.gguf");
        assertThat(select(List.of(f("a.gguf"), f("x.txt")), Selection.defaults())).containsExactly("a.gguf");
        assertThat(select(List.of(f("x.txt"), f("y.json")), Selection.defaults())).containsExactly("x.txt", "y.json");
    }

    @Test
    void severalModelsWithoutQ4KMAskForAChoice() {
        assertThatThrownBy(() -> select(List.of(f("m-Q8_0.gguf"), f("m-Q6_K.gguf")), Selection.defaults()))
                .hasMessage("o/r holds several models; name one as o/r:QUANT; quantisations there: Q6_K, Q8_0");
    }

    @Test
    void anIncompleteSplitModelIsRefused() {
        assertThatThrownBy(() -> select(List.of(f("m-Q4_K_M-00001-of-00003.gguf"), f("m-Q4_K_M-00003-of-00003.gguf")), Selection.quant("Q4_K_M")))
                .hasMessageContaining("m-Q4_K_M-00002-of-00003.gguf is missing");
    }

    @Test
    void globStarsCrossFoldersLikeFnmatch() {
        assertThat(select(repo, new Selection(Optional.empty(), List.of("*-00002-of-*")))).containsExactly("UD-Q4_K_XL/m-UD-Q4_K_XL-00002-of-00002.gguf");
        assertThat(select(repo, new Selection(Optional.empty(), List.of("m-Q4_K_[MS].gguf")))).containsExactly("m-Q4_K_M.gguf", "m-Q4_K_S.gguf");
        assertThat(select(repo, new Selection(Optional.empty(), List.of("README.md")))).containsExactly("README.md");
    }

    @Test
    void quantisationNamesAreReadFromFileAndFolderNames() {
        assertThat(FileSelector.quantOf("qwen2.5-0.5b-instruct-q4_k_m.gguf")).isEqualTo("Q4_K_M");
        assertThat(FileSelector.quantOf("UD-Q4_K_XL/M-UD-Q4_K_XL-00001-of-00002.gguf")).isEqualTo("UD-Q4_K_XL");
        assertThat(FileSelector.quantOf("m-IQ4_NL.gguf")).isEqualTo("IQ4_NL");
        assertThat(FileSelector.quantOf("m-bf16.gguf")).isEqualTo("BF16");
        assertThat(FileSelector.quantOf("stories260K.gguf")).isEmpty();
    }
}
