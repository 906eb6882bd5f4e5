package hearth.engine.chat.parse;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import hearth.engine.TestData;
import java.nio.file.Files;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

class ToolCallFormatTest {
    @ParameterizedTest(name = "{0} -> {1}")
    @CsvSource({
        "Qwen-Qwen2.5-7B-Instruct, HERMES",
        "Qwen-Qwen3-0.6B, HERMES",
        "NousResearch-Hermes-3-Llama-3.1-8B-tool_use, HERMES",
        "zai-org-GLM-4.5, GLM45",
        "Mistral-Small-3.2-24B-Instruct-2506, MISTRAL",
        "mistralai-Mistral-Nemo-Instruct-2407, MISTRAL",
        "meta-llama-Llama-3.1-8B-Instruct, LLAMA3",
        "meta-llama-Llama-3.3-70B-Instruct, LLAMA3",
        "deepseek-ai-DeepSeek-V3.1, DEEPSEEK",
        "deepseek-ai-DeepSeek-R1-Distill-Qwen-32B, DEEPSEEK",
        "google-gemma-2-2b-it, NONE"
    })
    void theTemplateTellsTheFormat(String template, ToolCallFormat expected) throws Exception {
        String source = Files.readString(TestData.require("chat-templates/" + template + ".jinja"));
        assertThat(ToolCallFormat.detect(source)).isEqualTo(expected);
    }

    @org.junit.jupiter.api.Test
    void namesAndAliasesSelectAFormat() {
        assertThat(ToolCallFormat.byName("qwen2.5")).isEqualTo(ToolCallFormat.HERMES);
        assertThat(ToolCallFormat.byName("GLM-4.6")).isEqualTo(ToolCallFormat.GLM45);
        assertThat(ToolCallFormat.byName("qwen3-coder")).isEqualTo(ToolCallFormat.QWEN3_CODER);
        assertThatThrownBy(() -> ToolCallFormat.byName("bogus")).hasMessageContaining("hermes");
    }
}
