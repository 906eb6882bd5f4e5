package hearth.cli;

import hearth.engine.Engine;
import hearth.engine.Event;
import hearth.engine.GenerateRequest;
import hearth.engine.chat.ChatTemplate;
import hearth.engine.sample.SamplingParams;
import java.io.BufferedReader;
import java.io.IOException;
import java.io.PrintStream;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;

/**
 * A terminal chat for {@code hearth run} without a prompt: each turn renders the whole conversation with the model's
 * chat template; the prefix cache makes earlier turns cost nothing to re-send. {@code /exit} or end of input ends it.
 */
final class InteractiveChat {
    private final Engine engine;
    private final ChatTemplate template;
    private final SamplingParams sampling;
    private final int maxTokens;
    private final List<Map<String, Object>> messages = new ArrayList<>();

    InteractiveChat(Engine engine, ChatTemplate template, SamplingParams sampling, int maxTokens) {
        this.engine = engine;
        this.template = template;
        this.sampling = sampling;
        this.maxTokens = maxTokens;
    }

    void run(BufferedReader in, PrintStream out) throws IOException {
        var tok = engine.tokenizer();
        String bos = tok.tokenText(tok.bos());
        String eos = tok.tokenText(tok.eos());
        out.println("hearth chat with " + engine.name() + " — type /exit to quit");
        while (true) {
            out.print("> ");
            out.flush();
            String line = in.readLine();
            if (line == null || line.strip().equals("/exit")) return;
            if (line.isBlank()) continue;
            messages.add(Map.of("role", "user", "content", line));
            String prompt = template.apply(messages, null, true, bos, eos, Map.of());
            int[] ids = tok.encode(prompt, !prompt.startsWith(bos), true);
            var req = new GenerateRequest("chat", ids, sampling, maxTokens, List.of(), false);
            Engine.Result r = engine.generate(req, (Event.Token t) -> out.print(t.text()));
            out.println();
            var u = r.done().usage();
            System.err.printf(Locale.ROOT, "[%d prompt tokens (%d cached), %.1f tokens/s]%n",
                    u.promptTokens(), u.cachedTokens(), u.decodeTokensPerSecond());
            messages.add(Map.of("role", "assistant", "content", r.text()));
        }
    }
}
