package hearth.bench.dataset;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.BufferedReader;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

/**
 * Reads prompt files: JSON Lines, or one JSON array (as ShareGPT dumps are published). Each record is one of
 * <ul>
 *   <li>{@code {"prompt": "...", "output_len": 128}} (also {@code max_tokens} / {@code output_tokens}),</li>
 *   <li>{@code {"messages": [{"role": "user", "content": "..."}, ...]}} (content may be a list of text parts),</li>
 *   <li>ShareGPT: {@code {"conversations": [{"from": "human", "value": "..."}, {"from": "gpt", ...}]}}.</li>
 * </ul>
 * Records with no user text are skipped; a file with none at all is an error naming the file.
 */
public final class DialogueFile {
    private static final ObjectMapper JSON = new ObjectMapper();

    private DialogueFile() {}

    public static List<Dialogue> read(Path file) throws IOException {
        List<Dialogue> out = new ArrayList<>();
        try (BufferedReader in = Files.newBufferedReader(file, StandardCharsets.UTF_8)) {
            in.mark(1 << 16);
            int c;
            do c = in.read(); while (c != -1 && Character.isWhitespace(c));
            in.reset();
            if (c == '[') {
                JsonNode all = JSON.readTree(in);
                for (int i = 0; i < all.size(); i++) add(out, all.get(i), file, i + 1);
            } else {
                String line;
                int n = 0;
                while ((line = in.readLine()) != null) {
                    n++;
                    if (line.isBlank()) continue;
                    JsonNode node;
                    try {
                        node = JSON.readTree(line);
                    } catch (com.fasterxml.jackson.core.JsonProcessingException e) {
                        throw new IOException(file + ":" + n + ": not JSON: " + e.getOriginalMessage());
                    }
                    add(out, node, file, n);
                }
            }
        }
        if (out.isEmpty()) throw new IOException(file + ": no usable records (expected prompt, messages or ShareGPT conversations)");
        return out;
    }

    private static void add(List<Dialogue> out, JsonNode rec, Path file, int where) throws IOException {
        if (!rec.isObject()) throw new IOException(file + ":" + where + ": each record must be a JSON object");
        Dialogue d = parse(rec);
        if (d != null && d.lastUser() >= 0) out.add(d);
    }

    /** One record, or {@code null} when it has none of the known shapes. */
    static Dialogue parse(JsonNode rec) {
        int outLen = firstInt(rec, "output_len", "output_tokens", "max_tokens");
        if (rec.path("prompt").isTextual()) {
            return new Dialogue(List.of(Message.user(rec.get("prompt").textValue())), outLen);
        }
        if (rec.path("messages").isArray()) {
            List<Message> ms = new ArrayList<>();
            for (JsonNode m : rec.get("messages")) {
                String role = m.path("role").asText("user");
                ms.add(new Message(role, content(m.path("content"))));
            }
            return new Dialogue(ms, outLen);
        }
        JsonNode conv = rec.has("conversations") ? rec.get("conversations") : rec.get("conversation");
        if (conv != null && conv.isArray()) {
            List<Message> ms = new ArrayList<>();
            for (JsonNode m : conv) {
                String from = m.path("from").asText(m.path("role").asText(""));
                String value = m.has("value") ? m.path("value").asText("") : content(m.path("content"));
                String role = switch (from) {
                    case "human", "user" -> "user";
                    case "system" -> "system";
                    default -> "assistant"; // gpt, chatgpt, bard, model, assistant
                };
                ms.add(new Message(role, value));
            }
            return new Dialogue(ms, outLen);
        }
        return null;
    }

    private static String content(JsonNode c) {
        if (c.isTextual()) return c.textValue();
        if (c.isArray()) {
            StringBuilder sb = new StringBuilder();
            for (JsonNode part : c) {
                if (part.path("text").isTextual()) sb.append(part.get("text").textValue());
            }
            return sb.toString();
        }
        return "";
    }

    private static int firstInt(JsonNode rec, String... names) {
        for (String n : names) {
            if (rec.path(n).canConvertToInt() && rec.get(n).intValue() > 0) return rec.get(n).intValue();
        }
        return 0;
    }
}
