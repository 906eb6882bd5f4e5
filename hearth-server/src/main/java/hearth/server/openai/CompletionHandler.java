package hearth.server.openai;

import hearth.engine.GenerateRequest;
import hearth.engine.tokenizer.Tokenizer;
import hearth.server.ServerConfig;
import hearth.server.http.Bodies;
import hearth.server.http.Json;
import hearth.server.http.RequestLog;
import io.javalin.http.Context;
import java.util.ArrayList;
import java.util.List;

/** {@code POST /v1/completions}: tokenise each prompt (text with BOS and special tokens, or ids as given), generate. */
public final class CompletionHandler {
    private final ModelSource models;
    private final ServerConfig config;

    public CompletionHandler(ModelSource models, ServerConfig config) {
        this.models = models;
        this.config = config;
    }

    public void handle(Context ctx) {
        CompletionRequest req = RequestReader.completion(Json.parse(Bodies.read(ctx, config.maxBodyBytes())));
        try (ModelSource.Scope scope = models.open(req.model())) {
            RequestLog.entry(ctx).model = scope.services().backend().modelId();
            complete(ctx, req, scope.services());
        }
    }

    private void complete(Context ctx, CompletionRequest req, Services s) {
        Tokenizer tok = s.backend().tokenizer();
        List<int[]> prompts = new ArrayList<>();
        for (CompletionRequest.Prompt p : req.prompts()) {
            prompts.add(switch (p) {
                case CompletionRequest.Prompt.Text t -> tok.encode(t.text(), true, true);
                case CompletionRequest.Prompt.Tokens t -> t.ids();
            });
        }
        var o = req.options();
        var call = new OpenAiMapper.Call(Ids.next("cmpl-"), Ids.epochSeconds(), false, o.logprobs(), o.topLogprobs(),
                GenerateRequest.Output.RAW);
        new Runner(s).run(ctx, call, prompts, o, req.stream());
    }
}
