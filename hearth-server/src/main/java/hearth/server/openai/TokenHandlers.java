package hearth.server.openai;

import com.fasterxml.jackson.databind.JsonNode;
import hearth.engine.tokenizer.Tokenizer;
import hearth.server.ServerConfig;
import hearth.server.http.Bodies;
import hearth.server.http.Json;
import io.javalin.http.Context;
import java.io.ByteArrayOutputStream;
import java.nio.ByteBuffer;
import java.nio.charset.CharacterCodingException;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

/** llama-server's {@code POST /tokenize}, {@code /detokenize} and {@code /apply-template}. */
public final class TokenHandlers {
    private final ModelSource models;
    private final ServerConfig config;

    public TokenHandlers(ModelSource models, ServerConfig config) {
        this.models = models;
        this.config = config;
    }

    /** {@code {"content", "add_special": false, "parse_special": true, "with_pieces": false}} to {@code {"tokens": [...]}}. */
    public void tokenize(Context ctx) {
        Fields f = Fields.root(Json.parse(Bodies.read(ctx, config.maxBodyBytes())));
        String content = f.requiredString("content");
        try (ModelSource.Scope scope = models.open(f.string("model"))) {
            tokenize(ctx, f, content, scope.services().backend().tokenizer());
        }
    }

    private static void tokenize(Context ctx, Fields f, String content, Tokenizer tok) {
        int[] ids = tok.encode(content, f.bool("add_special", false), f.bool("parse_special", true));
        if (!f.bool("with_pieces", false)) {
            Bodies.json(ctx, 200, Map.of("tokens", ids));
            return;
        }
        List<Map<String, Object>> pieces = new ArrayList<>(ids.length);
        for (int id : ids) pieces.add(Map.of("id", id, "piece", piece(tok.tokenBytes(id))));
        Bodies.json(ctx, 200, Map.of("tokens", pieces));
    }

    /** {@code {"tokens": [...]}} to {@code {"content": "..."}}: the tokens' pieces (control tokens spelled out) joined. */
    public void detokenize(Context ctx) {
        Fields f = Fields.root(Json.parse(Bodies.read(ctx, config.maxBodyBytes())));
        JsonNode tokens = f.required("tokens");
        if (!tokens.isArray()) throw Fields.bad("tokens", "must be an array of token ids");
        try (ModelSource.Scope scope = models.open(f.string("model"))) {
            detokenize(ctx, tokens, scope.services().backend().tokenizer());
        }
    }

    private static void detokenize(Context ctx, JsonNode tokens, Tokenizer tok) {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        for (int i = 0; i < tokens.size(); i++) {
            int id = (int) Fields.integral(tokens.get(i), "tokens[" + i + "]", 0, tok.vocabularySize() - 1);
            out.writeBytes(tok.tokenBytes(id));
        }
        Bodies.json(ctx, 200, Map.of("content", out.toString(StandardCharsets.UTF_8)));
    }

    /** {@code {"messages": [...], "tools": [...]}} to {@code {"prompt": "..."}}: the chat template's text. */
    public void applyTemplate(Context ctx) {
        ChatRequest req = RequestReader.chat(Json.parse(Bodies.read(ctx, config.maxBodyBytes())));
        try (ModelSource.Scope scope = models.open(req.model())) {
            Bodies.json(ctx, 200, Map.of("prompt", scope.services().prompts().render(req.messages(), req.tools(), true)));
        }
    }

    /** The piece as a string when it is valid UTF-8 on its own, else its byte values (llama-server's convention). */
    private static Object piece(byte[] bytes) {
        try {
            return StandardCharsets.UTF_8.newDecoder().decode(ByteBuffer.wrap(bytes)).toString();
        } catch (CharacterCodingException e) {
            int[] values = new int[bytes.length];
            for (int i = 0; i < bytes.length; i++) values[i] = bytes[i] & 0xFF;
            return values;
        }
    }
}
