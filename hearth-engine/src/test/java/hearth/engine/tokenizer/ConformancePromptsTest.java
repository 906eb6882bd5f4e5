package hearth.engine.tokenizer;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import hearth.engine.TestData;
import java.io.IOException;
import java.nio.charset.CharacterCodingException;
import java.nio.charset.CodingErrorAction;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.ByteBuffer;
import java.util.List;
import java.util.stream.Stream;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * The prompts and outputs recorded from llama-server: prompt tokenization (BOS added, special tokens parsed), the
 * piece of every prompt token, and the generated text rebuilt token by token through the streaming decoder.
 */
class ConformancePromptsTest {
    private static final ObjectMapper JSON = new ObjectMapper();

    static Stream<String> vectors() throws IOException {
        Path dir = TestData.root().resolve("conformance");
        if (!Files.isDirectory(dir)) return Stream.of("<missing>");
        try (Stream<Path> files = Files.list(dir)) {
            // MODEL__PROMPT.json are vectors; prompts-*.json only list the prompts
            List<String> names = files.map(p -> p.getFileName().toString()).filter(n -> n.endsWith(".json") && n.contains("__")).sorted().toList();
            return names.stream();
        }
    }

    private static JsonNode read(String name) throws IOException {
        return JSON.readTree(TestData.require("conformance/" + name).toFile());
    }

    private static Tokenizer tokenizerOf(JsonNode v) {
        return TokenizerTestSupport.tokenizer("models/" + v.get("model").asText());
    }

    private static int[] ints(JsonNode array) {
        int[] out = new int[array.size()];
        for (int i = 0; i < out.length; i++) out[i] = array.get(i).asInt();
        return out;
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("vectors")
    void promptTokenizesToTheRecordedIds(String name) throws IOException {
        JsonNode v = read(name);
        Tokenizer tok = tokenizerOf(v);
        assertThat(v.get("add_special").asBoolean()).isTrue();
        assertThat(tok.encode(v.get("prompt").asText(), true, true)).containsExactly(ints(v.get("prompt_tokens")));
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("vectors")
    void promptTokenPiecesMatchTheRecordedPieces(String name) throws IOException {
        JsonNode v = read(name);
        Tokenizer tok = tokenizerOf(v);
        int[] ids = ints(v.get("prompt_tokens"));
        JsonNode pieces = v.get("prompt_pieces");
        assertThat(pieces.size()).isEqualTo(ids.length);
        for (int i = 0; i < ids.length; i++) {
            byte[] bytes = tok.tokenBytes(ids[i]);
            JsonNode want = pieces.get(i);
            if (want.isTextual()) {
                assertThat(strictUtf8(bytes)).as("piece of token %d", ids[i]).isEqualTo(want.asText());
            } else {
                assertThat(bytes).as("bytes of token %d", ids[i]).containsExactly(bytesOf(want));
            }
        }
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("vectors")
    void generatedTokensStreamToTheRecordedText(String name) throws IOException {
        JsonNode v = read(name);
        Tokenizer tok = tokenizerOf(v);
        int[] ids = ints(v.get("output_tokens"));
        JsonNode steps = v.get("steps");
        StreamingDecoder decoder = tok.streamingDecoder();
        StringBuilder text = new StringBuilder();
        for (int i = 0; i < ids.length; i++) {
            assertThat(tok.piece(ids[i], false)).as("bytes of step %d", i).containsExactly(bytesOf(steps.get(i).get("bytes")));
            text.append(decoder.accept(ids[i]));
        }
        text.append(decoder.flush());
        assertThat(text.toString()).isEqualTo(v.get("output_text").asText());
        assertThat(tok.decode(ids, false, false)).as("whole-sequence decode").isEqualTo(stripOneLeadingSpace(tok, v.get("output_text").asText()));
    }

    /** Detokenizing a whole SPM sequence (not after a BOS) drops the space the encoder would have added. */
    private static String stripOneLeadingSpace(Tokenizer tok, String s) {
        return tok.vocabulary().options().addSpacePrefix() && s.startsWith(" ") ? s.substring(1) : s;
    }

    private static byte[] bytesOf(JsonNode array) {
        byte[] b = new byte[array.size()];
        for (int i = 0; i < b.length; i++) b[i] = (byte) array.get(i).asInt();
        return b;
    }

    private static String strictUtf8(byte[] bytes) {
        try {
            return StandardCharsets.UTF_8.newDecoder().onMalformedInput(CodingErrorAction.REPORT)
                    .onUnmappableCharacter(CodingErrorAction.REPORT).decode(ByteBuffer.wrap(bytes)).toString();
        } catch (CharacterCodingException e) {
            throw new AssertionError("piece is not valid UTF-8 but the reference recorded text", e);
        }
    }
}
