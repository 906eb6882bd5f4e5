package hearth.gateway.proxy;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.ByteArrayOutputStream;
import java.io.EOFException;
import java.net.ProtocolException;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.util.Random;
import org.junit.jupiter.api.Test;

class BodyDecoderTest {
    private static final String EVENTS = "data: {\"a\":1}\n\ndata: {\"b\":22}\n\ndata: [DONE]\n\n";

    /** Feeds {@code wire} in pieces of the given sizes (cycled); returns the body, or fails if it did not end. */
    private static String decode(BodyDecoder d, String wire, int... pieces) throws ProtocolException {
        byte[] w = wire.getBytes(StandardCharsets.ISO_8859_1);
        ByteArrayOutputStream body = new ByteArrayOutputStream();
        byte[] dst = new byte[64];
        int at = 0;
        for (int i = 0; at < w.length && !d.done(); i++) {
            int n = Math.min(pieces[i % pieces.length], w.length - at);
            ByteBuffer src = ByteBuffer.wrap(w, at, n);
            while (src.hasRemaining() && !d.done()) body.write(dst, 0, d.decode(src, dst, 0));
            at += n - src.remaining();
            if (src.hasRemaining()) break; // bytes after the end of the body
        }
        assertThat(d.done()).as("body ended").isTrue();
        return body.toString(StandardCharsets.ISO_8859_1);
    }

    private static String chunked(String... chunks) {
        StringBuilder sb = new StringBuilder();
        for (String c : chunks) sb.append(Integer.toHexString(c.length())).append("\r\n").append(c).append("\r\n");
        return sb.append("0\r\n\r\n").toString();
    }

    @Test
    void chunksAreJoinedWhateverPiecesTheyArriveIn() throws Exception {
        String wire = chunked("data: {\"a\":1}\n\n", "data: {\"b\":22}\n\n", "data: [DONE]\n\n");
        Random random = new Random(7);
        for (int size = 1; size <= wire.length(); size++) {
            assertThat(decode(BodyDecoder.chunked(0, false), wire, size)).as("pieces of %d", size).isEqualTo(EVENTS);
        }
        for (int round = 0; round < 50; round++) {
            int[] pieces = random.ints(8, 1, 12).toArray();
            assertThat(decode(BodyDecoder.chunked(0, false), wire, pieces)).isEqualTo(EVENTS);
        }
    }

    @Test
    void sizesInEitherCaseExtensionsBareLineFeedsAndTrailersAreUnderstood() throws Exception {
        String body = "x".repeat(26);
        String wire = "1A;name=value\r\n" + body + "\n1a \r\n" + body + "\r\n0;last\r\nTrailer: yes\r\nOther: 1\r\n\r\n";
        assertThat(decode(BodyDecoder.chunked(0, false), wire, 3)).isEqualTo(body + body);
    }

    @Test
    void itTakesOverInTheMiddleOfAChunkOrBeforeTheCrlfAfterIt() throws Exception {
        // the blocking reader stopped 5 bytes into "hello world" (6 to go), or right after the data
        assertThat(decode(BodyDecoder.chunked(6, false), " world\r\n3\r\nabc\r\n0\r\n\r\n", 4)).isEqualTo(" worldabc");
        assertThat(decode(BodyDecoder.chunked(0, true), "\r\n3\r\nabc\r\n0\r\n\r\n", 1)).isEqualTo("abc");
    }

    @Test
    void bytesAfterTheEndAreLeftInTheSource() throws Exception {
        BodyDecoder d = BodyDecoder.chunked(0, false);
        ByteBuffer src = ByteBuffer.wrap("2\r\nok\r\n0\r\n\r\nHTTP/1.1".getBytes(StandardCharsets.ISO_8859_1));
        byte[] dst = new byte[16];
        assertThat(d.decode(src, dst, 0)).isEqualTo(2);
        assertThat(d.done()).isTrue();
        assertThat(src.remaining()).isEqualTo("HTTP/1.1".length());
    }

    @Test
    void aLengthBodyEndsAfterItsLengthAndAClosingOneAtTheEndOfTheStream() throws Exception {
        assertThat(decode(BodyDecoder.length(EVENTS.length()), EVENTS, 5)).isEqualTo(EVENTS);
        assertThat(BodyDecoder.length(0).done()).isTrue();

        BodyDecoder close = BodyDecoder.untilClose();
        byte[] dst = new byte[128];
        int n = close.decode(ByteBuffer.wrap(EVENTS.getBytes(StandardCharsets.ISO_8859_1)), dst, 0);
        assertThat(new String(dst, 0, n, StandardCharsets.ISO_8859_1)).isEqualTo(EVENTS);
        assertThat(close.done()).isFalse();
        close.endOfStream();
        assertThat(close.done()).isTrue();
    }

    @Test
    void aBodyCutShortOrMalformedIsAProtocolError() throws Exception {
        BodyDecoder chunked = BodyDecoder.chunked(0, false);
        chunked.decode(ByteBuffer.wrap("5\r\nab".getBytes(StandardCharsets.ISO_8859_1)), new byte[16], 0);
        assertThatThrownBy(chunked::endOfStream).isInstanceOf(EOFException.class).hasMessageContaining("inside a chunk");

        BodyDecoder length = BodyDecoder.length(10);
        length.decode(ByteBuffer.wrap("abc".getBytes(StandardCharsets.ISO_8859_1)), new byte[16], 0);
        assertThatThrownBy(length::endOfStream).isInstanceOf(EOFException.class).hasMessageContaining("before the end of the body");

        assertThatThrownBy(() -> BodyDecoder.chunked(0, false).decode(ByteBuffer.wrap("zz\r\n".getBytes(StandardCharsets.ISO_8859_1)), new byte[16], 0))
                .isInstanceOf(ProtocolException.class).hasMessageContaining("malformed chunk size line");
        assertThatThrownBy(() -> BodyDecoder.chunked(0, false).decode(ByteBuffer.wrap("\r\n".getBytes(StandardCharsets.ISO_8859_1)), new byte[16], 0))
                .isInstanceOf(ProtocolException.class).hasMessageContaining("no digits");
        assertThatThrownBy(() -> BodyDecoder.chunked(0, false).decode(ByteBuffer.wrap("2\r\nokX".getBytes(StandardCharsets.ISO_8859_1)), new byte[16], 0))
                .isInstanceOf(ProtocolException.class).hasMessageContaining("not followed by CRLF");
    }
}
