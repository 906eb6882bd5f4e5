package hearth.bench.dataset;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;

/**
 * Single requests from a prompt file ({@link DialogueFile}), shuffled once with the seed and then cycled. A record
 * that ends with a user message is a captured request and is sent whole; a transcript (ending with the assistant)
 * is cut after its first user message and the assistant reply that follows sets the output length, as vLLM does
 * with ShareGPT. The output length is, in order: {@code outputOverride}, the record's own, the reference reply's
 * estimated length, {@code defaultOutput}.
 */
public final class FileWorkload implements Workload {
    private final Path file;
    private final List<Turn> turns;
    private final LengthRange outputOverride;
    private final long seed;
    private int next;

    public FileWorkload(Path file, List<Dialogue> dialogues, LengthRange outputOverride, int defaultOutput,
                        TokenEstimator tokens, long seed) {
        this.file = file;
        this.outputOverride = outputOverride;
        this.seed = seed;
        Random shuffle = new Random(seed);
        List<Turn> ts = new ArrayList<>(dialogues.size());
        java.util.SplittableRandom lengths = new java.util.SplittableRandom(seed);
        for (Dialogue d : dialogues) ts.add(turn(d, outputOverride, defaultOutput, tokens, lengths));
        Collections.shuffle(ts, shuffle);
        this.turns = List.copyOf(ts);
    }

    static Turn turn(Dialogue d, LengthRange override, int defaultOutput, TokenEstimator tokens, java.util.SplittableRandom rnd) {
        List<Message> ms = d.messages();
        int last = d.lastUser();
        List<Message> prompt;
        String reference = null;
        if (last == ms.size() - 1) {
            prompt = ms;
        } else {
            int first = 0;
            while (!ms.get(first).role().equals("user")) first++;
            prompt = ms.subList(0, first + 1);
            if (first + 1 < ms.size() && ms.get(first + 1).role().equals("assistant")) reference = ms.get(first + 1).content();
        }
        int out;
        if (override != null) out = override.sample(rnd);
        else if (d.outputTokens() > 0) out = d.outputTokens();
        else if (reference != null && !reference.isBlank()) out = tokens.estimate(reference);
        else out = defaultOutput;
        return new Turn(prompt, promptTokens(prompt, tokens), Math.max(1, out));
    }

    static int promptTokens(List<Message> prompt, TokenEstimator tokens) {
        int n = 0;
        for (Message m : prompt) n += tokens.estimate(m.content());
        return n;
    }

    @Override
    public synchronized Conversation nextConversation() {
        Turn t = turns.get(next);
        next = (next + 1) % turns.size();
        return Conversation.single(t);
    }

    public int size() {
        return turns.size();
    }

    @Override
    public String describe() {
        return "file " + file.getFileName() + " (" + turns.size() + " prompts" + (outputOverride != null ? ", output " + outputOverride : "") + ")";
    }

    @Override
    public Map<String, Object> parameters() {
        Map<String, Object> p = new LinkedHashMap<>();
        p.put("dataset", "file");
        p.put("path", file.toString());
        p.put("records", turns.size());
        p.put("output_len", outputOverride == null ? null : outputOverride.toString());
        p.put("seed", seed);
        return p;
    }
}
