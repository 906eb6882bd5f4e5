package hearth.server.responses;

import hearth.engine.FinishReason;
import hearth.engine.chat.parse.ChatDelta;
import hearth.engine.chat.parse.ToolCallFormat;
import hearth.engine.grammar.Grammar;
import hearth.server.http.Bodies;
import hearth.server.http.Json;
import hearth.server.http.RequestLog;
import hearth.server.http.SseWriter;
import hearth.server.openai.ChatHandler;
import hearth.server.openai.Constraints;
import hearth.server.openai.Ids;
import hearth.server.openai.ModelSource;
import hearth.server.openai.Services;
import hearth.server.ServerConfig;
import hearth.server.openai.SingleRun;
import io.javalin.http.Context;
import java.io.IOException;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

/**
 * OpenAI's {@code POST /v1/responses} (stateless: {@code store} and {@code previous_response_id} are not kept), whole
 * or streamed, over the chat template, output parsing and constrained decoding of the chat route.
 */
public final class ResponsesHandler {
    private final ModelSource models;
    private final ServerConfig config;

    public ResponsesHandler(ModelSource models, ServerConfig config) {
        this.models = models;
        this.config = config;
    }

    public void handle(Context ctx) throws InterruptedException {
        ResponsesRequest req = ResponsesRequest.read(Json.parse(Bodies.read(ctx, config.maxBodyBytes())));
        try (ModelSource.Scope scope = models.open(req.model())) {
            generate(ctx, scope.services(), req);
        }
    }

    private void generate(Context ctx, Services s, ResponsesRequest req) throws InterruptedException {
        ToolCallFormat format = req.toolsEnabled() ? s.toolFormat() : ToolCallFormat.NONE;
        Grammar grammar = Constraints.of(req.tools(), req.toolChoice(), req.toolName(), req.parallelToolCalls(), req.responseFormat(), format);
        String prompt = s.prompts().render(req.messages(), req.toolsEnabled() ? req.tools() : null, true);
        int[] ids = ChatHandler.tokenizeTemplated(s.backend().tokenizer(), prompt);
        Shape shape = new Shape(Ids.next("resp_"), Ids.epochSeconds(), req.model() != null ? req.model() : s.backend().modelId(), req);
        try (SingleRun run = new SingleRun(s, ctx, shape.id, ids, req.options(), ChatHandler.output(s, format, prompt, req.tools()), grammar)) {
            if (req.stream()) stream(ctx, run, shape);
            else {
                run.finish();
                Bodies.json(ctx, 200, shape.response(run, output(run, shape.id)));
            }
        }
    }

    /** The output items of a finished run: reasoning, the message, then each function call. */
    private static List<ResponsesWire.Item> output(SingleRun run, String id) {
        List<ResponsesWire.Item> out = new ArrayList<>();
        if (!run.reasoning().isEmpty()) out.add(reasoning(id, run.reasoning()));
        if (!run.text().isEmpty() || run.toolCalls().isEmpty()) out.add(message(id, run.text()));
        for (SingleRun.ToolCall c : run.toolCalls()) out.add(call(c.id(), c.name(), c.arguments()));
        return out;
    }

    private static ResponsesWire.Reasoning reasoning(String id, String text) {
        return new ResponsesWire.Reasoning("reasoning", "rs_" + id, List.of(), List.of(new ResponsesWire.ReasoningText("reasoning_text", text)));
    }

    private static ResponsesWire.MessageItem message(String id, String text) {
        return new ResponsesWire.MessageItem("message", "msg_" + id, "completed", "assistant",
                text == null ? List.of() : List.of(new ResponsesWire.OutputText(text)));
    }

    private static ResponsesWire.FunctionCall call(String callId, String name, String arguments) {
        return new ResponsesWire.FunctionCall("function_call", "fc_" + callId, callId, name, arguments, "completed");
    }

    /** What every response object of one call repeats. */
    private record Shape(String id, long created, String model, ResponsesRequest req) {
        ResponsesWire.Response response(SingleRun run, List<ResponsesWire.Item> output) {
            boolean done = run.done() != null;
            boolean cut = done && run.done().reason() == FinishReason.LENGTH;
            int in = run.promptTokens();
            int outTokens = run.completionTokens();
            return new ResponsesWire.Response(id, "response", created, !done ? "in_progress" : cut ? "incomplete" : "completed", model,
                    output, done ? new ResponsesWire.Usage(in, new ResponsesWire.InputDetails(0), outTokens,
                    new ResponsesWire.OutputDetails(0), in + outTokens) : null,
                    cut ? new ResponsesWire.Incomplete("max_output_tokens") : null, null, null, List.of(),
                    req.toolChoice() == null ? "auto" : req.toolChoice(), req.parallelToolCalls(),
                    req.options().temperature(), req.options().topP(), req.text(), Map.of());
        }
    }

    private static void stream(Context ctx, SingleRun run, Shape shape) throws InterruptedException {
        SseWriter sse = new SseWriter(ctx.res());
        try {
            Events ev = new Events(sse, shape.id);
            ev.send("response.created", new ResponsesWire.ResponseEvent("response.created", ev.seq++, shape.response(run, List.of())));
            for (List<ChatDelta> deltas; (deltas = run.next()) != null; ) {
                for (ChatDelta d : deltas) ev.accept(d);
            }
            ev.closeItem();
            ev.send("response.completed", new ResponsesWire.ResponseEvent("response.completed", ev.seq++, shape.response(run, ev.items)));
        } catch (IOException clientGone) {
            RequestLog.entry(ctx).statusOverride = 499;
        }
    }

    /** Turns parsed deltas into output items: a change of kind (or a new call) finishes one item and adds the next. */
    private static final class Events {
        private final SseWriter sse;
        private final String id;
        final List<ResponsesWire.Item> items = new ArrayList<>();
        int seq;
        private String open; // "message", "reasoning", "function_call" or null
        private final StringBuilder text = new StringBuilder();
        private String callId;
        private String callName;

        Events(SseWriter sse, String id) {
            this.sse = sse;
            this.id = id;
        }

        void send(String name, Object event) throws IOException {
            sse.event(name, Json.write(event));
        }

        private int index() {
            return items.size();
        }

        void accept(ChatDelta d) throws IOException {
            switch (d) {
                case ChatDelta.Content c -> {
                    if (c.text().isEmpty()) return;
                    if (!"message".equals(open)) {
                        openItem("message", message(id, null));
                        send("response.content_part.added", new ResponsesWire.PartEvent("response.content_part.added", seq++, "msg_" + id,
                                index(), 0, new ResponsesWire.OutputText("")));
                    }
                    text.append(c.text());
                    send("response.output_text.delta", new ResponsesWire.TextDelta("response.output_text.delta", seq++, "msg_" + id,
                            index(), 0, c.text(), List.of()));
                }
                case ChatDelta.Reasoning r -> {
                    if (r.text().isEmpty()) return;
                    if (!"reasoning".equals(open)) openItem("reasoning", new ResponsesWire.Reasoning("reasoning", "rs_" + id, List.of(), List.of()));
                    text.append(r.text());
                }
                case ChatDelta.ToolCall t -> {
                    if (t.name() != null || !"function_call".equals(open)) {
                        callId = t.id();
                        callName = t.name();
                        openItem("function_call", call(callId, callName, ""));
                    }
                    if (t.arguments() != null && !t.arguments().isEmpty()) {
                        text.append(t.arguments());
                        send("response.function_call_arguments.delta", new ResponsesWire.ArgumentsDelta("response.function_call_arguments.delta",
                                seq++, "fc_" + callId, index(), t.arguments()));
                    }
                }
            }
        }

        private void openItem(String kind, ResponsesWire.Item item) throws IOException {
            closeItem();
            open = kind;
            text.setLength(0);
            send("response.output_item.added", new ResponsesWire.ItemEvent("response.output_item.added", seq++, index(), item));
        }

        void closeItem() throws IOException {
            if (open == null) return;
            ResponsesWire.Item done = switch (open) {
                case "message" -> {
                    send("response.output_text.done", new ResponsesWire.TextDone("response.output_text.done", seq++, "msg_" + id, index(), 0,
                            text.toString(), List.of()));
                    send("response.content_part.done", new ResponsesWire.PartEvent("response.content_part.done", seq++, "msg_" + id,
                            index(), 0, new ResponsesWire.OutputText(text.toString())));
                    yield message(id, text.toString());
                }
                case "reasoning" -> reasoning(id, text.toString());
                default -> {
                    send("response.function_call_arguments.done", new ResponsesWire.ArgumentsDone("response.function_call_arguments.done",
                            seq++, "fc_" + callId, index(), text.toString()));
                    yield call(callId, callName, text.toString());
                }
            };
            send("response.output_item.done", new ResponsesWire.ItemEvent("response.output_item.done", seq++, index(), done));
            items.add(done);
            open = null;
        }
    }
}
