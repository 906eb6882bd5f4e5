package hearth.server.anthropic;

import hearth.engine.FinishReason;
import hearth.engine.chat.parse.ChatDelta;
import hearth.engine.chat.parse.ToolCallFormat;
import hearth.engine.grammar.Grammar;
import hearth.server.http.Bodies;
import hearth.server.http.ErrorMapper;
import hearth.server.http.Json;
import hearth.server.http.RequestLog;
import hearth.server.http.SseWriter;
import hearth.server.openai.ChatHandler;
import hearth.server.openai.Constraints;
import hearth.server.openai.Ids;
import hearth.server.openai.ModelSource;
import hearth.server.openai.Services;
import hearth.server.ServerConfig;
import hearth.server.http.ApiError;
import hearth.server.openai.SingleRun;
import io.javalin.http.Context;
import java.io.IOException;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

/**
 * Anthropic's {@code POST /v1/messages} (whole or streamed) and {@code /v1/messages/count_tokens} over the same chat
 * template, output parsing and constrained decoding as the OpenAI chat route. The model name a client sends is
 * echoed, not checked: Anthropic clients name their own models.
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
            if (req.stream()) stream(ctx, run, id, model);
            else {
                run.finish();
                Bodies.json(ctx, 200, new MessagesWire.Message(id, "message", "assistant", model, blocks(run), stopReason(run),
                        run.done().stopString(), new MessagesWire.Usage(run.promptTokens(), run.completionTokens())));
            }
        }
    }

    private static List<MessagesWire.Block> blocks(SingleRun run) {
        List<MessagesWire.Block> out = new ArrayList<>();
        if (!run.reasoning().isEmpty()) out.add(new MessagesWire.Thinking(run.reasoning()));
        if (!run.text().isEmpty() || run.toolCalls().isEmpty()) out.add(new MessagesWire.Text(run.text()));
        for (SingleRun.ToolCall c : run.toolCalls()) out.add(new MessagesWire.ToolUse(c.id(), c.name(), input(c.arguments())));
        return out;
    }

    /** Tool arguments as a JSON value (Anthropic's {@code input} is an object, not a string). */
    private static Object input(String arguments) {
        try {
            return arguments.isBlank() ? Map.of() : Json.mapper().readTree(arguments);
        } catch (IOException e) {
            return Map.of(); // the model wrote arguments that are not JSON: nothing usable
        }
    }

    static String stopReason(SingleRun run) {
        var done = run.done();
        if (done.reason() == FinishReason.LENGTH) return "max_tokens";
        if (!run.toolCalls().isEmpty()) return "tool_use";
        if (done.stopString() != null) return "stop_sequence";
        return "end_turn";
    }

    private static void stream(Context ctx, SingleRun run, String id, String model) throws InterruptedException {
        SseWriter sse = new SseWriter(ctx.res());
        try {
            sse.event("message_start", Json.write(new MessagesWire.MessageStart("message_start", new MessagesWire.Message(id, "message",
                    "assistant", model, List.of(), null, null, new MessagesWire.Usage(run.promptTokens(), 0)))));
            sse.event("ping", Json.write(new MessagesWire.Ping("ping")));
            BlockStream blocks = new BlockStream(sse);
            try {
                for (List<ChatDelta> deltas; (deltas = run.next()) != null; ) {
                    for (ChatDelta d : deltas) blocks.accept(d);
                }
            } catch (ApiError e) { // the status is sent already: Anthropic's stream reports it as an error event
                sse.event("error", Json.write(ErrorMapper.anthropic(e)));
                return;
            }
            blocks.close();
            sse.event("message_delta", Json.write(new MessagesWire.MessageDelta("message_delta",
                    new MessagesWire.StopDelta(stopReason(run), run.done().stopString()), new MessagesWire.OutputUsage(run.completionTokens()))));
            sse.event("message_stop", Json.write(new MessagesWire.MessageStop("message_stop")));
        } catch (IOException clientGone) {
            RequestLog.entry(ctx).statusOverride = 499;
        }
    }

    /** Turns parsed deltas into content blocks: a change of kind (or a new tool call) closes one block and opens the next. */
    private static final class BlockStream {
        private final SseWriter sse;
        private String open; // "text", "thinking", "tool_use" or null
        private int index = -1;

        BlockStream(SseWriter sse) {
            this.sse = sse;
        }

        void accept(ChatDelta d) throws IOException {
            switch (d) {
                case ChatDelta.Content c -> {
                    if (c.text().isEmpty()) return;
                    if (!"text".equals(open)) start("text", new MessagesWire.Text(""));
                    delta(new MessagesWire.Delta("text_delta", c.text(), null, null));
                }
                case ChatDelta.Reasoning r -> {
                    if (r.text().isEmpty()) return;
                    if (!"thinking".equals(open)) start("thinking", new MessagesWire.Thinking(""));
                    delta(new MessagesWire.Delta("thinking_delta", null, r.text(), null));
                }
                case ChatDelta.ToolCall t -> {
                    if (t.name() != null || !"tool_use".equals(open)) start("tool_use", new MessagesWire.ToolUse(t.id(), t.name(), Map.of()));
                    if (t.arguments() != null && !t.arguments().isEmpty()) delta(new MessagesWire.Delta("input_json_delta", null, null, t.arguments()));
                }
            }
        }

        private void start(String kind, MessagesWire.Block block) throws IOException {
            close();
            open = kind;
            index++;
            sse.event("content_block_start", Json.write(new MessagesWire.BlockStart("content_block_start", index, block)));
        }

        private void delta(MessagesWire.Delta d) throws IOException {
            sse.event("content_block_delta", Json.write(new MessagesWire.BlockDelta("content_block_delta", index, d)));
        }

        void close() throws IOException {
            if (open == null) return;
            sse.event("content_block_stop", Json.write(new MessagesWire.BlockStop("content_block_stop", index)));
            open = null;
        }
    }
}
