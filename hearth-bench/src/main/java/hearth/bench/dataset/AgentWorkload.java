package hearth.bench.dataset;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.SplittableRandom;

/**
 * Multi-turn agent replay: each conversation resends its whole history every turn, with the server's own replies
 * as the assistant messages, the way a coding agent loops. Consecutive turns share a growing prefix, and with a
 * shared system prompt all conversations share its tokens too, so this is what exercises prefix caches.
 *
 * <p>Synthetic ({@link #synthetic}): a system prompt of {@code systemLen} tokens common to all conversations, then
 * {@code turns} user turns of {@code promptLen} tokens each. From a file ({@link #replay}): the user turns of each
 * record in order (system messages kept, recorded assistant replies replaced by the server's).
 */
public final class AgentWorkload implements Workload {
    private final List<List<String>> userTurns; // per conversation, from a file; null when synthetic
    private final List<String> systems;
    private final List<int[]> recordedOutputs;
    private final String sharedSystem;
    private final int turns;
    private final LengthRange promptLen;
    private final LengthRange outputLen;
    private final int defaultOutput;
    private final TokenEstimator tokens;
    private final Path file;
    private final long seed;
    private final SplittableRandom rnd;
    private int next;

    private AgentWorkload(List<List<String>> userTurns, List<String> systems, List<int[]> recordedOutputs, String sharedSystem,
                          int turns, LengthRange promptLen, LengthRange outputLen, int defaultOutput, TokenEstimator tokens,
                          Path file, long seed) {
        this.userTurns = userTurns;
        this.systems = systems;
        this.recordedOutputs = recordedOutputs;
        this.sharedSystem = sharedSystem;
        this.turns = turns;
        this.promptLen = promptLen;
        this.outputLen = outputLen;
        this.defaultOutput = defaultOutput;
        this.tokens = tokens;
        this.file = file;
        this.seed = seed;
        this.rnd = new SplittableRandom(seed);
    }

    public static AgentWorkload synthetic(int turns, int systemLen, LengthRange promptLen, LengthRange outputLen,
                                          TokenEstimator tokens, long seed) {
        if (turns < 1) throw new IllegalArgumentException("turns must be >= 1");
        String system = systemLen <= 0 ? "" : Words.text(new SplittableRandom(seed ^ 0x9E3779B97F4A7C15L), tokens.charsFor(systemLen));
        return new AgentWorkload(null, null, null, system, turns, promptLen, outputLen, 0, tokens, null, seed);
    }

    /** Replays the user turns of each dialogue; {@code outputOverride} (may be null) beats recorded reply lengths. */
    public static AgentWorkload replay(Path file, List<Dialogue> dialogues, LengthRange outputOverride, int defaultOutput,
                                       TokenEstimator tokens, long seed) {
        List<List<String>> users = new ArrayList<>();
        List<String> systems = new ArrayList<>();
        List<int[]> outs = new ArrayList<>();
        for (Dialogue d : dialogues) {
            List<String> us = new ArrayList<>();
            List<Integer> os = new ArrayList<>();
            StringBuilder system = new StringBuilder();
            List<Message> ms = d.messages();
            for (int i = 0; i < ms.size(); i++) {
                Message m = ms.get(i);
                switch (m.role()) {
                    case "system" -> system.append(system.isEmpty() ? "" : "\n").append(m.content());
                    case "user" -> {
                        us.add(m.content());
                        boolean replied = i + 1 < ms.size() && ms.get(i + 1).role().equals("assistant");
                        os.add(replied ? tokens.estimate(ms.get(i + 1).content()) : d.outputTokens());
                    }
                    default -> { }
                }
            }
            if (us.isEmpty()) continue;
            users.add(us);
            systems.add(system.toString());
            outs.add(os.stream().mapToInt(Integer::intValue).toArray());
        }
        if (users.isEmpty()) throw new IllegalArgumentException(file + ": no conversation has a user turn");
        return new AgentWorkload(users, systems, outs, "", 0, null, outputOverride, defaultOutput, tokens, file, seed);
    }

    @Override
    public synchronized Conversation nextConversation() {
        SplittableRandom r = rnd.split();
        if (userTurns == null) return new Live(sharedSystem, null, null, r);
        int i = next;
        next = (next + 1) % userTurns.size();
        return new Live(systems.get(i), userTurns.get(i), recordedOutputs.get(i), r);
    }

    /** One agent: the history it resends and where it is in its script. */
    private final class Live implements Conversation {
        private final List<Message> history = new ArrayList<>();
        private final List<String> script;
        private final int[] outputs;
        private final SplittableRandom r;
        private int turn;
        private int historyTokens;

        Live(String system, List<String> script, int[] outputs, SplittableRandom r) {
            this.script = script;
            this.outputs = outputs;
            this.r = r;
            if (!system.isEmpty()) {
                history.add(Message.system(system));
                historyTokens += tokens.estimate(system);
            }
        }

        @Override
        public Turn next(String previousReply) {
            if (turn > 0) {
                // a failed turn leaves no reply; the agent carries on with an empty one, as a retrying client would
                String reply = previousReply == null ? "" : previousReply;
                history.add(Message.assistant(reply));
                historyTokens += tokens.estimate(reply);
            }
            int total = script == null ? turns : script.size();
            if (turn >= total) return null;
            String user = script == null ? Words.text(r, tokens.charsFor(Math.max(1, promptLen.sample(r)))) : script.get(turn);
            int out;
            if (outputLen != null) out = outputLen.sample(r);
            else if (outputs != null && outputs[turn] > 0) out = outputs[turn];
            else out = defaultOutput;
            turn++;
            history.add(Message.user(user));
            historyTokens += tokens.estimate(user);
            return new Turn(history, historyTokens, Math.max(1, out));
        }
    }

    @Override
    public String describe() {
        if (userTurns == null) {
            return "agent replay, " + turns + " turns of prompt " + promptLen + " output " + outputLen
                    + (sharedSystem.isEmpty() ? "" : ", shared system prompt " + tokens.estimate(sharedSystem) + " tokens");
        }
        return "agent replay of " + file.getFileName() + " (" + userTurns.size() + " conversations)";
    }

    @Override
    public Map<String, Object> parameters() {
        Map<String, Object> p = new LinkedHashMap<>();
        p.put("dataset", "agent");
        if (userTurns == null) {
            p.put("turns", turns);
            p.put("system_len", tokens.estimate(sharedSystem));
            p.put("prompt_len", promptLen.toString());
        } else {
            p.put("path", file.toString());
            p.put("conversations", userTurns.size());
        }
        p.put("output_len", outputLen == null ? null : outputLen.toString());
        p.put("seed", seed);
        return p;
    }
}
