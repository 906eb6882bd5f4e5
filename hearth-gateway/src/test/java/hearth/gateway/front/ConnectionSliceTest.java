package hearth.gateway.front;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assumptions.assumeThat;

import hearth.gateway.ShortSlice;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.concurrent.atomic.AtomicBoolean;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/** {@code short_slice}: the thread that serves a connection runs with the short slice when asked, else the default. */
@Timeout(30)
class ConnectionSliceTest {
    private static final Path SCHED = Path.of("/proc/thread-self/sched");

    @Test
    void theConnectionThreadHasTheShortSliceOnlyWhenTheOptionIsOnAndTheEventLoopNever() throws Exception {
        assumeThat(Files.isReadable(SCHED)).as("needs Linux's /proc/thread-self/sched").isTrue();
        AtomicBoolean supported = new AtomicBoolean();
        Thread probe = Thread.ofPlatform().start(() -> supported.set(ShortSlice.request()));
        probe.join();
        assumeThat(supported.get()).as("this kernel has no per-thread slice (Linux 6.12+)").isTrue();

        assertThat(sliceOfServingThread(true, false)).as("a connection's thread, option on").isEqualTo(ShortSlice.SLICE_NANOS);
        assertThat(sliceOfServingThread(false, false)).as("a connection's thread, option off").isNotEqualTo(ShortSlice.SLICE_NANOS);
        // a loop relaying a burst of events was preempted every 0.1 ms with it: streams took longer, the first token no sooner
        assertThat(sliceOfServingThread(true, true)).as("the event loop, option on").isNotEqualTo(ShortSlice.SLICE_NANOS);
        assertThat(sliceOfServingThread(false, true)).as("the event loop, option off").isNotEqualTo(ShortSlice.SLICE_NANOS);
    }

    /** The se.slice the kernel reports for the thread that answers a request: the connection's, or the event loop's. */
    private static long sliceOfServingThread(boolean shortSlice, boolean eventLoop) throws Exception {
        FrontServer.Handler own = new FrontServer.Handler() {
            @Override
            public void handle(FrontRequest req, ResponseWriter res) throws Exception {
                byte[] b = slice().getBytes(StandardCharsets.UTF_8);
                res.write(b, 0, b.length, true);
            }

            @Override
            public boolean start(FrontRequest req, Exchange ex) {
                try {
                    handle(req, ex.response());
                } catch (Exception e) {
                    throw new IllegalStateException(e);
                }
                ex.done();
                return true;
            }

            private static String slice() throws java.io.IOException {
                return Files.readString(SCHED).lines().filter(l -> l.startsWith("se.slice"))
                        .map(l -> l.substring(l.indexOf(':') + 1).trim()).findFirst().orElse("none");
            }

            @Override
            public byte[] errorBody(int status, String message) {
                return message.getBytes(StandardCharsets.UTF_8);
            }
        };
        FrontServer server = new FrontServer(own, new FrontServer.Options(16, false, Duration.ofSeconds(5), Duration.ofSeconds(5), shortSlice, eventLoop ? 1 : 0, Duration.ZERO))
                .start("127.0.0.1", 0);
        try (HttpClient client = HttpClient.newHttpClient()) {
            HttpResponse<String> r = client.send(HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + server.port() + "/slice")).build(),
                    HttpResponse.BodyHandlers.ofString());
            assertThat(r.statusCode()).isEqualTo(200);
            return Long.parseLong(r.body());
        } finally {
            server.close();
        }
    }
}
