package hearth.server.anthropic;

import hearth.engine.FinishReason;
import hearth.engine.chat.parse.ChatDelta;
import hearth.server.openai.SingleRun;
import java.util.ArrayList;
import java.util.List;

/** A turn Hearth's engine generates. */
record EngineTurn(SingleRun run) implements Turn {
    @Override
    public List<ChatDelta> next() throws InterruptedException {
        return run.next();
    }

    @Override
    public void finish() throws InterruptedException {
        run.finish();
    }

    @Override
    public String text() {
        return run.text();
    }

    @Override
    public String reasoning() {
        return run.reasoning();
    }

    @Override
    public List<Call> toolCalls() {
        List<Call> out = new ArrayList<>();
        for (SingleRun.ToolCall c : run.toolCalls()) out.add(new Call(c.id(), c.name(), c.arguments()));
        return out;
    }

    @Override
    public String stopReason() {
        var done = run.done();
        if (done.reason() == FinishReason.LENGTH) return "max_tokens";
        if (!run.toolCalls().isEmpty()) return "tool_use";
        if (done.stopString() != null) return "stop_sequence";
        return "end_turn";
    }

    @Override
    public String stopSequence() {
        return run.done().stopString();
    }

    @Override
    public int inputTokens() {
        return run.promptTokens();
    }

    @Override
    public int outputTokens() {
        return run.completionTokens();
    }
}
