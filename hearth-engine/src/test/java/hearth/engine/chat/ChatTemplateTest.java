package hearth.engine.chat;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.fasterxml.jackson.databind.ObjectMapper;
import hearth.engine.TestData;
import hearth.engine.chat.jinja.TemplateException;
import java.io.IOException;
import java.nio.file.Files;
import java.time.LocalDateTime;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import org.junit.jupiter.api.Test;

/** The engine-facing chat template API: conversation rendering, built-in fallbacks, errors, concurrency. */
class ChatTemplateTest {
    private static final LocalDateTime NOW = LocalDateTime.of(2025, 7, 26, 12, 0);

    private static List<Map<String, Object>> conversation() {
        return List.of(
                Map.of("role", "system", "content", "Be brief."),
                Map.of("role", "user", "content", "  Hi there  "));
    }

    @Test
    @SuppressWarnings("unchecked")
    void chatmlFallbackReproducesLlamaCppApplyTemplate() throws IOException {
        var sample = new ObjectMapper().readValue(
                TestData.require("conformance/api-samples/stories260K-chatml__apply-template.json").toFile(), Map.class);
        var messages = (List<Map<String, Object>>) ((Map<String, Object>) sample.get("request")).get("messages");
        String expected = (String) ((Map<String, Object>) sample.get("response")).get("prompt");

        assertThat(ChatTemplate.chatml().apply(messages, null, true, null, null, Map.of())).isEqualTo(expected);
    }

    @Test
    void chatmlFallbackJoinsTextPartsAndCanOmitTheGenerationPrompt() {
        List<Map<String, Object>> messages = List.of(Map.of("role", "user", "content",
                List.of(Map.of("type", "text", "text", "Describe "), Map.of("type", "image_url"),
                        Map.of("type", "text", "text", "this."))));

        assertThat(ChatTemplate.chatml().apply(messages, null, false, "<s>", "</s>", null))
                .isEqualTo("<|im_start|>user\nDescribe this.<|im_end|>\n");
    }

    @Test
    void llama3FallbackWritesHeadersTrimmedContentAndEotTokens() {
        String prompt = ChatTemplate.llama3().apply(conversation(), null, true, "<|begin_of_text|>", "<|eot_id|>", null);

        assertThat(prompt).isEqualTo("<|begin_of_text|>"
                + "<|start_header_id|>system<|end_header_id|>\n\nBe brief.<|eot_id|>"
                + "<|start_header_id|>user<|end_header_id|>\n\nHi there<|eot_id|>"
                + "<|start_header_id|>assistant<|end_header_id|>\n\n");
    }

    @Test
    void builtinTemplatesAreFoundByName() {
        assertThat(ChatTemplate.builtin("chatml")).isSameAs(ChatTemplate.chatml());
        assertThat(ChatTemplate.builtin("llama3")).isSameAs(ChatTemplate.llama3());
        assertThatThrownBy(() -> ChatTemplate.builtin("vicuna")).isInstanceOf(IllegalArgumentException.class);
    }

    @Test
    void toolsStayUndefinedWhenNoneAreGivenAndExtraVariablesReachTheTemplate() {
        ChatTemplate t = ChatTemplate.compile(
                "{{ tools is defined }}/{{ tools | length if tools is defined }}/{{ enable_thinking }}/{{ bos_token is defined }}");

        assertThat(t.apply(List.of(), null, true, null, null, Map.of("enable_thinking", false)))
                .isEqualTo("False//False/False");
        assertThat(t.apply(List.of(), List.of(Map.of("type", "function")), true, "<s>", null, Map.of()))
                .isEqualTo("True/1//True");
    }

    @Test
    void qwen3TemplateHonoursEnableThinkingFalse() throws IOException {
        String source = Files.readString(TestData.require("chat-templates/Qwen-Qwen3-0.6B.jinja"));
        ChatTemplate qwen3 = ChatTemplate.compile(source);

        String prompt = qwen3.apply(conversation(), null, true, null, null, Map.of("enable_thinking", false));

        assertThat(prompt).endsWith("<|im_start|>user\n  Hi there  <|im_end|>\n<|im_start|>assistant\n<think>\n\n</think>\n\n");
    }

    @Test
    void strftimeNowReportsTheGivenTime() {
        ChatTemplate t = ChatTemplate.compile("{{ strftime_now('%d %B %Y') }}");

        assertThat(t.render(Map.of(), NOW)).isEqualTo("26 July 2025");
    }

    @Test
    void raiseExceptionIsDistinguishableFromTemplateBugs() {
        ChatTemplate refusing = ChatTemplate.compile(
                "{% if messages[0].role == 'system' %}{{ raise_exception('System role not supported') }}{% endif %}");
        ChatTemplate buggy = ChatTemplate.compile("{{ messages[0].content + 1 }}");

        assertThatThrownBy(() -> refusing.apply(conversation(), null, true, null, null, null))
                .isInstanceOfSatisfying(TemplateException.class, e -> {
                    assertThat(e.kind()).isEqualTo(TemplateException.Kind.TEMPLATE_ERROR);
                    assertThat(e.getMessage()).isEqualTo("System role not supported");
                });
        assertThatThrownBy(() -> buggy.apply(conversation(), null, true, null, null, null))
                .isInstanceOfSatisfying(TemplateException.class,
                        e -> assertThat(e.kind()).isEqualTo(TemplateException.Kind.TYPE_ERROR));
    }

    @Test
    void malformedTemplatesFailToCompileWithTheirLine() {
        assertThatThrownBy(() -> ChatTemplate.compile("line one\n{% for m in messages %}\n{{ m.content }\n{% endfor %}"))
                .isInstanceOfSatisfying(TemplateException.class, e -> {
                    assertThat(e.kind()).isEqualTo(TemplateException.Kind.SYNTAX);
                    assertThat(e.line()).isEqualTo(3);
                });
    }

    @Test
    void generationBlocksOfTransformersRenderTheirBody() {
        ChatTemplate t = ChatTemplate.compile("{% generation %}{{ 'assistant text' }}{% endgeneration %}!");

        assertThat(t.render(Map.of(), NOW)).isEqualTo("assistant text!");
    }

    @Test
    void oneCompiledTemplateRendersConcurrently() throws Exception {
        String source = Files.readString(TestData.require("chat-templates/openai-gpt-oss-120b.jinja"));
        ChatTemplate template = ChatTemplate.compile(source);
        List<Map<String, Object>> tools = List.of(Map.of("type", "function", "function", Map.of(
                "name", "get_weather", "description", "Weather",
                "parameters", Map.of("type", "object", "properties", Map.of("city", Map.of("type", "string"))))));
        String expected = template.render(ChatTemplate.variables(conversation(), tools, true, null, null, null), NOW);

        ExecutorService pool = Executors.newFixedThreadPool(4);
        try {
            List<Future<String>> results = new ArrayList<>();
            for (int i = 0; i < 64; i++) {
                results.add(pool.submit(() ->
                        template.render(ChatTemplate.variables(conversation(), tools, true, null, null, null), NOW)));
            }
            for (Future<String> r : results) assertThat(r.get()).isEqualTo(expected);
        } finally {
            pool.shutdownNow();
        }
        assertThat(expected).contains("type get_weather = (_: {\ncity?: string,\n}) => any;");
    }
}
