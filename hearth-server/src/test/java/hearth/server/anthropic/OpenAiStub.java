package hearth.server.anthropic;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpServer;
import java.io.IOException;
import java.io.OutputStream;
import java.net.InetSocketAddress;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.util.concurrent.Executors;

/**
 * An OpenAI-compatible engine for the forwarding tests: lists one model and answers every chat completion the same way
 * — some thinking, a sentence, a call of get_weather for Paris — as one JSON body or as chunks, keeping the last request.
 * A request with {@code max_tokens} 13 gets the engine's own 400 error.
 */
final class OpenAiStub implements AutoCloseable {
    static final ObjectMapper JSON = new ObjectMapper();
    static final String MODEL = "vision-model";
    final HttpServer server;
    volatile JsonNode lastBody;
    volatile String lastAuthorization;

    OpenAiStub() throws IOException {
        server = HttpServer.create(new InetSocketAddress("127.0.0.1", 0), 16);
        server.setExecutor(Executors.newVirtualThreadPerTaskExecutor());
        server.createContext("/", this::route);
        server.start();
    }

    URI uri() {
        return URI.create("http://127.0.0.1:" + server.getAddress().getPort());
    }

    private void route(HttpExchange ex) throws IOException {
        try (ex) {
            String path = ex.getRequestURI().getPath();
            if (path.equals("/v1/models")) {
                send(ex, 200, "application/json", "{\"object\":\"list\",\"data\":[{\"id\":\"" + MODEL + "\",\"object\":\"model\"}]}");
                return;
            }
            if (!path.equals("/v1/chat/completions")) {
                send(ex, 404, "application/json", "{\"error\":{\"message\":\"no such path\"}}");
                return;
            }
            lastAuthorization = ex.getRequestHeaders().getFirst("Authorization");
            JsonNode body = JSON.readTree(ex.getRequestBody());
            lastBody = body;
            if (body.path("max_tokens").asInt() == 13) {
                send(ex, 400, "application/json", "{\"error\":{\"code\":400,\"message\":\"the request exceeds the available context size\",\"type\":\"invalid_request_error\"}}");
            } else if (body.path("stream").asBoolean()) {
                stream(ex);
            } else {
                send(ex, 200, "application/json", """
                        {"id":"c1","object":"chat.completion","model":"vision-model","choices":[{"index":0,"finish_reason":"tool_calls",
                         "message":{"role":"assistant","reasoning_content":"A red square.","content":"I see a red square.",
                          "tool_calls":[{"id":"call_7","type":"function","function":{"name":"get_weather","arguments":"{\\"city\\":\\"Paris\\"}"}}]}}],
                         "usage":{"prompt_tokens":21,"completion_tokens":9,"total_tokens":30}}""");
            }
        }
    }

    private void stream(HttpExchange ex) throws IOException {
        ex.getResponseHeaders().set("Content-Type", "text/event-stream");
        ex.sendResponseHeaders(200, 0);
        OutputStream out = ex.getResponseBody();
        String[] chunks = {
            "{\"choices\":[{\"index\":0,\"delta\":{\"role\":\"assistant\",\"content\":null}}]}",
            "{\"choices\":[{\"index\":0,\"delta\":{\"reasoning_content\":\"A red \"}}]}",
            "{\"choices\":[{\"index\":0,\"delta\":{\"reasoning_content\":\"square.\"}}]}",
            "{\"choices\":[{\"index\":0,\"delta\":{\"content\":\"I see \"}}]}",
            "{\"choices\":[{\"index\":0,\"delta\":{\"content\":\"a red square.\"}}]}",
            "{\"choices\":[{\"index\":0,\"delta\":{\"tool_calls\":[{\"index\":0,\"id\":\"call_7\",\"type\":\"function\",\"function\":{\"name\":\"get_weather\",\"arguments\":\"\"}}]}}]}",
            "{\"choices\":[{\"index\":0,\"delta\":{\"tool_calls\":[{\"index\":0,\"function\":{\"arguments\":\"{\\\"city\\\":\"}}]}}]}",
            "{\"choices\":[{\"index\":0,\"delta\":{\"tool_calls\":[{\"index\":0,\"function\":{\"arguments\":\"\\\"Paris\\\"}\"}}]}}]}",
            "{\"choices\":[{\"index\":0,\"delta\":{},\"finish_reason\":\"tool_calls\"}]}",
            "{\"choices\":[],\"usage\":{\"prompt_tokens\":21,\"completion_tokens\":9,\"total_tokens\":30}}",
        };
        for (String c : chunks) {
            out.write(("data: " + c + "\n\n").getBytes(StandardCharsets.UTF_8));
            out.flush();
        }
        out.write("data: [DONE]\n\n".getBytes(StandardCharsets.UTF_8));
        out.flush();
    }

    private static void send(HttpExchange ex, int status, String type, String body) throws IOException {
        byte[] b = body.getBytes(StandardCharsets.UTF_8);
        ex.getResponseHeaders().set("Content-Type", type);
        ex.sendResponseHeaders(status, b.length);
        ex.getResponseBody().write(b);
    }

    @Override
    public void close() {
        server.stop(0);
    }
}
