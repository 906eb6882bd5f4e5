package hearth.bench.report;

import com.fasterxml.jackson.core.JsonGenerator;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.PropertyNamingStrategies;
import com.fasterxml.jackson.databind.SerializationFeature;
import com.fasterxml.jackson.databind.SerializerProvider;
import com.fasterxml.jackson.databind.module.SimpleModule;
import com.fasterxml.jackson.databind.ser.std.StdSerializer;
import hearth.bench.RequestResult;
import hearth.bench.ServeBench;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * The {@code --json} file: the run's parameters, and per load point its coordinate, every summary figure and one
 * row per request. Names are snake_case; times are milliseconds unless the name says otherwise; figures that do
 * not exist (a TTFT without streaming, a p99 of nothing) are {@code null}.
 */
public final class JsonResult {
    public static final String FORMAT = "hearth-bench-serve/1";

    /** One request as it goes into the file. */
    public record Row(int conversation, int turn, double startS, Double ttftMs, double e2eMs, Double tpotMs, int promptTokens,
                      int outputTokens, int requestedTokens, String finishReason, String status, String error) {}

    static final ObjectMapper JSON = mapper();

    private JsonResult() {}

    private static ObjectMapper mapper() {
        SimpleModule nanAsNull = new SimpleModule();
        StdSerializer<Double> doubles = new StdSerializer<>(Double.class) {
            @Override
            public void serialize(Double v, JsonGenerator g, SerializerProvider p) throws IOException {
                if (v == null || v.isNaN() || v.isInfinite()) g.writeNull();
                else g.writeNumber(v);
            }
        };
        nanAsNull.addSerializer(Double.class, doubles);
        nanAsNull.addSerializer(double.class, doubles);
        return new ObjectMapper().registerModule(nanAsNull)
                .setPropertyNamingStrategy(PropertyNamingStrategies.SNAKE_CASE)
                .enable(SerializationFeature.INDENT_OUTPUT);
    }

    public static Map<String, Object> tree(ServeBench.Result result) {
        Map<String, Object> root = new LinkedHashMap<>();
        root.put("format", FORMAT);
        root.put("parameters", result.parameters());
        List<Map<String, Object>> runs = new ArrayList<>();
        for (ServeBench.Point p : result.points()) {
            Map<String, Object> run = new LinkedHashMap<>();
            run.put("coordinate", p.coordinate());
            run.put("load", p.data().shape().parameters());
            run.put("summary", p.summary());
            List<Row> rows = new ArrayList<>();
            for (RequestResult r : p.data().results()) rows.add(row(r, p.data().startNanos()));
            run.put("requests", rows);
            runs.add(run);
        }
        root.put("runs", runs);
        return root;
    }

    static Row row(RequestResult r, long runStart) {
        String status = r.cancelled() ? "cancelled" : r.error() != null ? r.error().kind().name().toLowerCase(java.util.Locale.ROOT) : "ok";
        return new Row(r.conversation(), r.turn(), (r.startNanos() - runStart) / 1e9, r.ttftNanos() < 0 ? null : r.ttftNanos() / 1e6,
                r.e2eNanos() / 1e6, Double.isNaN(r.tpotNanos()) ? null : r.tpotNanos() / 1e6, r.promptTokens(), r.outputTokens(),
                r.requestedTokens(), r.finishReason(), status, r.error() == null ? null : r.error().toString());
    }

    public static void write(ServeBench.Result result, Path file) throws IOException {
        Path parent = file.toAbsolutePath().getParent();
        if (parent != null) Files.createDirectories(parent);
        JSON.writeValue(file.toFile(), tree(result));
    }

    public static String toJson(Object value) throws IOException {
        return JSON.writeValueAsString(value);
    }

    /** Reads a result file back as a tree, checking that it is one. */
    public static JsonNode read(Path file) throws IOException {
        JsonNode n;
        try {
            n = JSON.readTree(file.toFile());
        } catch (com.fasterxml.jackson.core.JsonProcessingException e) {
            throw new IOException(file + ": not JSON (" + e.getOriginalMessage() + ")");
        }
        if (n == null || !FORMAT.equals(n.path("format").asText())) {
            throw new IOException(file + ": not a 'hearth bench serve --json' result");
        }
        return n;
    }
}
