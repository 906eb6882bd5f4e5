package hearth.bench.report;

import static org.assertj.core.api.Assertions.assertThat;

import java.awt.image.BufferedImage;
import java.nio.file.Files;
import java.nio.file.Path;
import javax.imageio.ImageIO;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The report page and its PNG plots are written and reference each other. */
class HtmlReportTest {
    @TempDir
    Path dir;

    @Test
    void aSinglePointGetsCdfAndTimelinePlots() throws Exception {
        Path page = HtmlReport.write(Results.result("m<1>", Results.point(2, 20, 100, 10, false)), dir.resolve("r"));
        String html = Files.readString(page);
        for (String png : new String[] {"ttft_cdf.png", "tpot_cdf.png", "itl_cdf.png", "e2e_cdf.png", "throughput.png", "inflight.png"}) {
            assertThat(html).contains("src=\"" + png + "\"");
            BufferedImage img = ImageIO.read(dir.resolve("r").resolve(png).toFile());
            assertThat(img.getWidth()).isEqualTo(Charts.WIDTH);
            assertThat(img.getHeight()).isEqualTo(Charts.HEIGHT);
        }
        assertThat(html).doesNotContain("sweep_ttft.png");
        // the plot has lines and labels, not just a background
        BufferedImage img = ImageIO.read(dir.resolve("r").resolve("ttft_cdf.png").toFile());
        java.util.Set<Integer> colours = new java.util.HashSet<>();
        for (int y = 0; y < img.getHeight(); y += 4) {
            for (int x = 0; x < img.getWidth(); x += 4) colours.add(img.getRGB(x, y));
        }
        assertThat(colours.size()).isGreaterThan(5);
        assertThat(html).contains("m&lt;1&gt;").contains("rate_limited").contains("slow down");
    }

    @Test
    void aSweepAlsoGetsPlotsAgainstTheSweptParameter() throws Exception {
        Path page = HtmlReport.write(Results.result("m", Results.point(1, 5, 100, 10, true), Results.point(2, 5, 150, 12, true),
                Results.point(4, 5, 300, 15, true)), dir);
        String html = Files.readString(page);
        assertThat(html).contains("sweep_ttft.png").contains("sweep_tpot.png").contains("sweep_throughput.png").contains("concurrency 4");
        assertThat(ImageIO.read(dir.resolve("sweep_ttft.png").toFile())).isNotNull();
    }
}
