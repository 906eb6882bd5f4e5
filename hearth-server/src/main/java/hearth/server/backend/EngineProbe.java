package hearth.server.backend;

import java.io.IOException;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;

/**
 * The two checks the supervisor makes besides watching processes: a TCP connect to a helper's port, used only
 * while starting (llama.cpp RPC workers stop accepting once the head holds its connection), and an HTTP GET of
 * the engine's health URL, which answers 200 only when the model is loaded.
 */
final class EngineProbe {
    private final HttpClient http = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(2)).build();

    /** True when {@code hostPort} accepts a TCP connection within {@code timeout}. */
    static boolean accepts(String hostPort, Duration timeout) {
        int colon = hostPort.lastIndexOf(':');
        String host = hostPort.substring(0, colon).replace("[", "").replace("]", "");
        int port = Integer.parseInt(hostPort.substring(colon + 1));
        try (Socket s = new Socket()) {
            s.connect(new InetSocketAddress(host, port), (int) timeout.toMillis());
            return true;
        } catch (IOException | IllegalArgumentException e) {
            return false;
        }
    }

    /** The health URL's HTTP status, or 0 when it does not answer within {@code timeout}. */
    int health(URI url, Duration timeout) {
        try {
            HttpRequest req = HttpRequest.newBuilder(url).timeout(timeout).GET().build();
            return http.send(req, HttpResponse.BodyHandlers.discarding()).statusCode();
        } catch (IOException e) {
            return 0;
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return 0;
        }
    }
}
