package hearth.server.openai;

import hearth.engine.GenerateRequest;
import hearth.engine.chat.parse.ReasoningMarkers;
import hearth.engine.chat.parse.ToolCallFormat;
import hearth.engine.tokenizer.Tokenizer;
import hearth.server.ServerConfig;
import hearth.server.http.Bodies;
import hearth.server.http.Json;
import hearth.server.http.RequestLog;
import io.javalin.http.Context;
import java.util.List;
import java.util.Map;

/** {@code POST /v1/chat/completions}: template the messages, tokenise, generate. */
public final class ChatHandler {
    private final ModelSource models;
    private final ServerConfig config;

    public ChatHandler(ModelSource models, ServerConfig config) {
        this.models = models;
        this.config = config;
    }

    public void handle(Context ctx) {
        ChatRequest req = RequestReader.chat(Json.parse(Bodies.read(ctx, config.maxBodyBytes())));
        try (ModelSource.Scope scope = models.open(req.model())) {
            Services s = scope.services();
            RequestLog.entry(ctx).model = s.backend().modelId();
            ToolCallFormat format = req.toolsEnabled() ? s.toolFormat() : ToolCallFormat.NONE;
            var grammar = Constraints.forChat(req, format);
            // tool_choice "none": the template is not told about tools either
            String prompt = s.prompts().render(req.messages(), req.toolsEnabled() ? req.tools() : null, true,
                    req.reasoningEffort() == null ? Map.of() : Map.of("reasoning_effort", req.reasoningEffort()));
            int[] ids = tokenizeTemplated(s.backend().tokenizer(), prompt);
            var o = req.options();
            var call = new OpenAiMapper.Call(Ids.next("chatcmpl-"), Ids.epochSeconds(), true, o.logprobs(), o.topLogprobs(),
                    output(s, format, prompt, req.tools()), grammar);
            new Runner(s).run(ctx, call, List.of(ids), o, req.stream());
        }
    }

    /**
     * How to read the answer: tool calls in the markup the template uses when the request offers tools (and does not
     * say tool_choice "none"); thinking split off when the template has thinking markers.
     */
    public static GenerateRequest.Output output(Services s, ToolCallFormat tools, String prompt) {
        return output(s, tools, prompt, null);
    }

    /** As above; {@code offered} (the request's tools, or null) types arguments written as bare text. */
    public static GenerateRequest.Output output(Services s, ToolCallFormat tools, String prompt, List<Object> offered) {
        String template = s.prompts().source();
        ReasoningMarkers markers = ReasoningMarkers.detect(template);
        // --reasoning-format none: thinking stays inline in the content
        boolean thinks = template.contains(markers.start()) && !s.config().reasoningFormat().equals("none");
        return new GenerateRequest.Output(tools, thinks ? markers : null, thinks && markers.opensIn(prompt),
                tools == ToolCallFormat.NONE ? null : Constraints.parameters(offered));
    }

    /** Templated text: special tokens parsed; BOS added if the vocabulary wants it, unless the template wrote it. */
    public static int[] tokenizeTemplated(Tokenizer tok, String prompt) {
        boolean templateHasBos = tok.bos() >= 0 && prompt.startsWith(tok.tokenText(tok.bos()));
        return tok.encode(prompt, !templateHasBos, true);
    }
}
