package hearth.engine.chat;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.fasterxml.jackson.databind.ObjectMapper;
import hearth.engine.TestData;
import hearth.engine.chat.jinja.TemplateException;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.LocalDateTime;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.stream.Stream;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * Every golden render of {@code chat-templates/golden/} (Python Jinja2 3.1.6 configured as transformers does):
 * each {@code NAME.SCENARIO.out} must be reproduced byte for byte, each {@code NAME.SCENARIO.err} must be refused
 * with the same exception kind and message.
 */
class ChatTemplateGoldenTest {
    private static final String GOLDEN = "chat-templates/golden";
    private static final LocalDateTime FIXED_NOW = LocalDateTime.of(2025, 7, 26, 12, 0);

    static Stream<String> goldenCases() throws IOException {
        Path dir = TestData.root().resolve(GOLDEN);
        if (!Files.isDirectory(dir)) return Stream.of("absent.absent.out");
        try (Stream<Path> files = Files.list(dir)) {
            return files.map(p -> p.getFileName().toString())
                    .filter(n -> n.endsWith(".out") || n.endsWith(".err"))
                    .sorted()
                    .toList()
                    .stream();
        }
    }

    @SuppressWarnings("unchecked")
    private static Map<String, Object> variables(String scenarioName) throws IOException {
        Path scenarios = TestData.require(GOLDEN + "/scenarios.json");
        Map<String, Object> all = new ObjectMapper().readValue(scenarios.toFile(), Map.class);
        Map<String, Object> scenario = (Map<String, Object>) ((Map<String, Object>) all.get("scenarios")).get(scenarioName);
        Map<String, Object> vars = new LinkedHashMap<>((Map<String, Object>) all.get("common"));
        vars.put("messages", scenario.get("messages"));
        if (Boolean.TRUE.equals(scenario.get("useTools"))) vars.put("tools", all.get("tools"));
        return vars;
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("goldenCases")
    void rendersLikePythonJinja2(String goldenFile) throws IOException {
        Path golden = TestData.require(GOLDEN + "/" + goldenFile);
        String[] parts = goldenFile.split("\\.");
        String scenario = parts[parts.length - 2];
        String name = goldenFile.substring(0, goldenFile.length() - scenario.length() - 5);
        String source = Files.readString(TestData.require("chat-templates/" + name + ".jinja"), StandardCharsets.UTF_8);
        Map<String, Object> vars = variables(scenario);
        String expected = Files.readString(golden, StandardCharsets.UTF_8);

        if (goldenFile.endsWith(".out")) {
            assertThat(ChatTemplate.compile(source).render(vars, FIXED_NOW)).isEqualTo(expected);
        } else {
            ChatTemplate template = ChatTemplate.compile(source);
            assertThatThrownBy(() -> template.render(vars, FIXED_NOW))
                    .isInstanceOfSatisfying(TemplateException.class,
                            e -> assertThat(e.describe()).isEqualTo(expected.strip()));
        }
    }
}
