package hearth.server.anthropic;

import hearth.engine.chat.parse.ToolCallFormat;
import hearth.engine.grammar.Grammar;
import hearth.server.ServerConfig;
import hearth.server.http.ApiError;
import hearth.server.http.Bodies;
import hearth.server.http.Json;
import hearth.server.openai.ChatHandler;
import hearth.server.openai.Constraints;
import hearth.server.openai.Ids;
import hearth.server.openai.ModelSource;
import hearth.server.openai.Services;
import hearth.server.openai.SingleRun;
import io.javalin.http.Context;

/**
 * Anthropic's {@code POST /v1/messages} (whole or streamed) and {@code /v1/messages/count_tokens} over the same chat
 * template, output parsing and constrained decoding as the OpenAI chat route. The model name a client sends is
 * echoed, not checked: Anthropic clients name their own models. Image blocks are refused: the engine reads text only.
 */
public final class MessagesHandler {
    private final ModelSource models;
    private final ServerConfig config;

    public MessagesHandler(ModelSource models, ServerConfig config) {
        this.models = models;
        this.config = config;
    }

    /** The model a request names if this server has it, else the default one (clients send names like claude-…). */
    private ModelSource.Scope open(String model) {
        try {
            return models.open(model);
        } catch (ApiError e) {
            if (e.status() != 404 || model == null) throw e;
            return models.open(null);
        }
    }

    public void countTokens(Context ctx) {
        MessagesRequest req = MessagesRequest.read(Json.parse(Bodies.read(ctx, config.maxBodyBytes())), true);
        try (ModelSource.Scope scope = open(req.model())) {
            Services s = scope.services();
            String prompt = s.prompts().render(req.messages(), req.toolsEnabled() ? req.tools() : null, true);
            Bodies.json(ctx, 200, new MessagesWire.CountTokens(ChatHandler.tokenizeTemplated(s.backend().tokenizer(), prompt).length));
        }
    }

    public void handle(Context ctx) throws InterruptedException {
        MessagesRequest req = MessagesRequest.read(Json.parse(Bodies.read(ctx, config.maxBodyBytes())), false);
        try (ModelSource.Scope scope = open(req.model())) {
            generate(ctx, scope.services(), req);
        }
    }

    private void generate(Context ctx, Services s, MessagesRequest req) throws InterruptedException {
        ToolCallFormat format = req.toolsEnabled() ? s.toolFormat() : ToolCallFormat.NONE;
        Grammar grammar = Constraints.of(req.tools(), req.toolChoice(), req.toolName(), req.parallelToolCalls(), null, format);
        String prompt = s.prompts().render(req.messages(), req.toolsEnabled() ? req.tools() : null, true);
        int[] ids = ChatHandler.tokenizeTemplated(s.backend().tokenizer(), prompt);
        String id = Ids.next("msg_");
        String model = req.model() != null ? req.model() : s.backend().modelId();
        try (SingleRun run = new SingleRun(s, ctx, id, ids, req.options(), ChatHandler.output(s, format, prompt, req.tools()), grammar)) {
            MessageWriter.write(ctx, id, model, req.stream(), new EngineTurn(run));
        }
    }
}
