package hearth.engine.tokenizer;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

/** Streaming never emits half a UTF-8 character, and still emits every complete one as soon as it can. */
class StreamingDecoderTest {

    private static Tokenizer llama() {
        return TokenizerTestSupport.tokenizer("tokenizer/ggml-vocab-llama-spm.gguf");
    }

    private static int byteToken(Tokenizer tok, int b) {
        return tok.tokenId(String.format("<0x%02X>", b));
    }

    @Test
    void anEmojiSpelledInByteTokensAppearsOnlyWhenComplete() {
        Tokenizer tok = llama();
        int[] ids = tok.encode("🦙", false, false);
        // the llama is not in the vocabulary: "▁" then its four UTF-8 bytes
        assertThat(ids).hasSize(5);
        StreamingDecoder d = tok.streamingDecoder();
        List<String> out = new ArrayList<>();
        for (int id : ids) out.add(d.accept(id));
        assertThat(out).containsExactly(" ", "", "", "", "🦙");
        assertThat(d.flush()).isEmpty();
    }

    @Test
    void everyChunkIsWholeCharactersForMixedScriptText() {
        String text = "Hello 世界! 😶‍🌫️ Ελληνικά кириллица ✅ 🦙🦙 ɐ";
        for (String vocab : List.of("llama-spm", "gpt-2", "falcon", "deepseek-llm", "starcoder")) {
            Tokenizer tok = TokenizerTestSupport.tokenizer("tokenizer/ggml-vocab-" + vocab + ".gguf");
            StreamingDecoder d = tok.streamingDecoder();
            StringBuilder all = new StringBuilder();
            for (int id : tok.encode(text, false, false)) {
                String chunk = d.accept(id);
                assertThat(chunk).as(vocab).doesNotContain("\uFFFD");
                assertThat(chunk.isEmpty() || !Character.isHighSurrogate(chunk.charAt(chunk.length() - 1))).isTrue();
                all.append(chunk);
            }
            all.append(d.flush());
            String expected = vocab.equals("llama-spm") ? " " + text : text;
            assertThat(all.toString()).as(vocab).isEqualTo(expected);
        }
    }

    @Test
    void aByteThatCanNeverStartACharacterIsReplacedAtOnce() {
        Tokenizer tok = llama();
        StreamingDecoder d = tok.streamingDecoder();
        assertThat(d.accept(byteToken(tok, 0xFF))).isEqualTo("\uFFFD");
        assertThat(d.pendingBytes()).isZero();
    }

    @Test
    void anInterruptedSequenceIsReplacedWhenTheInterruptionArrives() {
        Tokenizer tok = llama();
        StreamingDecoder d = tok.streamingDecoder();
        assertThat(d.accept(byteToken(tok, 0xE4))).isEmpty();
        assertThat(d.accept(byteToken(tok, 0xBD))).isEmpty();
        assertThat(d.accept(tok.tokenId("a"))).isEqualTo("\uFFFDa");
    }

    @Test
    void flushReleasesAnUnfinishedCharacterAsReplacement() {
        Tokenizer tok = llama();
        StreamingDecoder d = tok.streamingDecoder();
        assertThat(d.accept(byteToken(tok, 0xF0))).isEmpty();
        assertThat(d.accept(byteToken(tok, 0x9F))).isEmpty();
        assertThat(d.flush()).isEqualTo("\uFFFD");
        assertThat(d.flush()).isEmpty();
    }

    @Test
    void leadBytesWithAnImpossibleSecondByteAreNotHeld() {
        // E0 80 would be an overlong form and ED A0 a surrogate: no continuation can make them valid
        assertThat(StreamingDecoder.incompleteTail(new byte[] {(byte) 0xE0, (byte) 0x80})).isZero();
        assertThat(StreamingDecoder.incompleteTail(new byte[] {(byte) 0xED, (byte) 0xA0})).isZero();
        assertThat(StreamingDecoder.incompleteTail(new byte[] {'a', (byte) 0xE0, (byte) 0xA0})).isEqualTo(2);
        assertThat(StreamingDecoder.incompleteTail(new byte[] {(byte) 0xF0, (byte) 0x9F, (byte) 0xA6})).isEqualTo(3);
        assertThat(StreamingDecoder.incompleteTail(new byte[] {(byte) 0xF0, (byte) 0x9F, (byte) 0xA6, (byte) 0x99})).isZero();
    }

    @Test
    void controlTokensAreHiddenUnlessAskedFor() {
        Tokenizer tok = llama();
        assertThat(tok.streamingDecoder().accept(tok.bos())).isEmpty();
        assertThat(new StreamingDecoder(tok, true, false).accept(tok.bos())).isEqualTo("<s>");
    }

    @Test
    void theFirstLeadingSpaceCanBeStrippedLikeAWholeSequenceDecode() {
        Tokenizer tok = llama();
        StreamingDecoder d = new StreamingDecoder(tok, false, true);
        StringBuilder s = new StringBuilder();
        for (int id : tok.encode("Hello world", false, false)) s.append(d.accept(id));
        assertThat(s.toString()).isEqualTo("Hello world");
    }
}
