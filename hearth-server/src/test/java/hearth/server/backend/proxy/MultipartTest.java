package hearth.server.backend.proxy;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.charset.StandardCharsets;
import java.util.List;
import org.junit.jupiter.api.Test;

class MultipartTest {
    @Test
    void splitsFieldsAndFilesKeepingBinaryContent() {
        byte[] png = MultipartBodies.PNG;
        byte[] body = new MultipartBodies().field("prompt", "make it blue\r\nplease").file("image", "cat.png", "image/png", png)
                .field("n", "2").build();
        List<Multipart.Part> parts = Multipart.parse(body, MultipartBodies.BOUNDARY);
        assertThat(parts).extracting(Multipart.Part::name).containsExactly("prompt", "image", "n");
        assertThat(parts.get(0).text()).isEqualTo("make it blue\r\nplease");
        assertThat(parts.get(0).filename()).isNull();
        assertThat(parts.get(1).filename()).isEqualTo("cat.png");
        assertThat(parts.get(1).contentType()).isEqualTo("image/png");
        assertThat(parts.get(1).content()).isEqualTo(png);
        assertThat(parts.get(2).text()).isEqualTo("2");
    }

    @Test
    void readsTheBoundaryFromTheContentType() {
        assertThat(Multipart.boundary("multipart/form-data; boundary=abc")).contains("abc");
        assertThat(Multipart.boundary("Multipart/Form-Data; charset=utf-8; boundary=\"a b\"")).contains("a b");
        assertThat(Multipart.boundary("application/json")).isEmpty();
        assertThat(Multipart.boundary("multipart/form-data")).isEmpty();
        assertThat(Multipart.boundary(null)).isEmpty();
    }

    @Test
    void refusesTruncatedBodies() {
        byte[] full = new MultipartBodies().field("prompt", "x").build();
        String cut = new String(full, StandardCharsets.ISO_8859_1);
        byte[] truncated = cut.substring(0, cut.indexOf("\r\n\r\nx") + 5).getBytes(StandardCharsets.ISO_8859_1);
        assertThatThrownBy(() -> Multipart.parse(truncated, MultipartBodies.BOUNDARY)).hasMessageContaining("not terminated");
        assertThatThrownBy(() -> Multipart.parse("hello".getBytes(StandardCharsets.UTF_8), MultipartBodies.BOUNDARY))
                .hasMessageContaining("no multipart boundary");
        assertThat(Multipart.parse(("--" + MultipartBodies.BOUNDARY + "--\r\n").getBytes(StandardCharsets.UTF_8),
                MultipartBodies.BOUNDARY)).isEmpty();
    }
}
