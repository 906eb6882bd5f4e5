package hearth.server.openai;

import hearth.engine.tokenizer.Tokenizer;
import hearth.server.http.Bodies;
import hearth.server.http.Json;
import io.javalin.http.Context;
import java.util.ArrayList;
import java.util.List;

/** {@code POST /v1/completions}: tokenise each prompt (text with BOS and special tokens, or ids as given), generate. */
public final class CompletionHandler {
    private final Services s;
    private final Runner runner;

    public CompletionHandler(Services s) {
        this.s = s;
        this.runner = new Runner(s);
    }

    public void handle(Context ctx) {
        CompletionRequest req = RequestReader.completion(Json.parse(Bodies.read(ctx, s.config().maxBodyBytes())));
        s.checkModel(req.model());
        Tokenizer tok = s.backend().tokenizer();
        List<int[]> prompts = new ArrayList<>();
        for (CompletionRequest.Prompt p : req.prompts()) {
            prompts.add(switch (p) {
                case CompletionRequest.Prompt.Text t -> tok.encode(t.text(), true, true);
                case CompletionRequest.Prompt.Tokens t -> t.ids();
            });
        }
        var o = req.options();
        var call = new OpenAiMapper.Call(Ids.next("cmpl-"), Ids.epochSeconds(), false, o.logprobs(), o.topLogprobs());
        runner.run(ctx, call, prompts, o, req.stream(), req.includeUsage());
    }
}
