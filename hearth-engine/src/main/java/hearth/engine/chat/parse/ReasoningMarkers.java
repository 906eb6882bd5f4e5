package hearth.engine.chat.parse;

/** The markers around a model's thinking text. */
public record ReasoningMarkers(String start, String end) {
    public static final ReasoningMarkers THINK = new ReasoningMarkers("<think>", "</think>");
    public static final ReasoningMarkers SEED = new ReasoningMarkers("<seed:think>", "</seed:think>");

    /** The markers a chat template uses; THINK by default. */
    public static ReasoningMarkers detect(String template) {
        return template != null && template.contains("<seed:think>") ? SEED : THINK;
    }

    /** True if a rendered prompt leaves the model inside a thinking block (e.g. it ends with {@code <think>\n}). */
    public boolean opensIn(String renderedPrompt) {
        int s = renderedPrompt.lastIndexOf(start);
        return s >= 0 && renderedPrompt.indexOf(end, s) < 0;
    }
}
