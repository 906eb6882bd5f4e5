package hearth.server.anthropic;

import hearth.engine.chat.parse.ChatDelta;
import hearth.server.http.ApiError;
import hearth.server.http.Bodies;
import hearth.server.http.ErrorMapper;
import hearth.server.http.Json;
import hearth.server.http.RequestLog;
import hearth.server.http.SseWriter;
import io.javalin.http.Context;
import java.io.IOException;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

/** Spells a {@link Turn} as Anthropic's message: one JSON body, or the event stream {@code message_start} … {@code message_stop}. */
final class MessageWriter {
    private MessageWriter() {}

    static void write(Context ctx, String id, String model, boolean stream, Turn turn) throws InterruptedException {
        if (stream) {
            stream(ctx, id, model, turn);
            return;
        }
        turn.finish();
        Bodies.json(ctx, 200, new MessagesWire.Message(id, "message", "assistant", model, blocks(turn), turn.stopReason(),
                turn.stopSequence(), new MessagesWire.Usage(Math.max(0, turn.inputTokens()), turn.outputTokens())));
    }

    private static List<MessagesWire.Block> blocks(Turn turn) {
        List<MessagesWire.Block> out = new ArrayList<>();
        if (!turn.reasoning().isEmpty()) out.add(new MessagesWire.Thinking(turn.reasoning()));
        if (!turn.text().isEmpty() || turn.toolCalls().isEmpty()) out.add(new MessagesWire.Text(turn.text()));
        for (Turn.Call c : turn.toolCalls()) out.add(new MessagesWire.ToolUse(c.id(), c.name(), input(c.arguments())));
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

    private static void stream(Context ctx, String id, String model, Turn turn) throws InterruptedException {
        SseWriter sse = new SseWriter(ctx.res());
        try {
            int known = turn.inputTokens();
            sse.event("message_start", Json.write(new MessagesWire.MessageStart("message_start", new MessagesWire.Message(id, "message",
                    "assistant", model, List.of(), null, null, new MessagesWire.Usage(Math.max(0, known), 0)))));
            sse.event("ping", Json.write(new MessagesWire.Ping("ping")));
            BlockStream blocks = new BlockStream(sse);
            try {
                for (List<ChatDelta> deltas; (deltas = turn.next()) != null; ) {
                    for (ChatDelta d : deltas) blocks.accept(d);
                }
            } catch (ApiError e) { // the status is sent already: Anthropic's stream reports it as an error event
                sse.event("error", Json.write(ErrorMapper.anthropic(e)));
                return;
            }
            blocks.close();
            // an upstream reports prompt tokens only at the end: they then come with the final usage
            Integer input = known < 0 && turn.inputTokens() >= 0 ? turn.inputTokens() : null;
            sse.event("message_delta", Json.write(new MessagesWire.MessageDelta("message_delta",
                    new MessagesWire.StopDelta(turn.stopReason(), turn.stopSequence()), new MessagesWire.OutputUsage(input, turn.outputTokens()))));
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
