package hearth.engine.chat.parse;

/**
 * A neutral piece of an assistant turn, as the output parser finds it in generated text. API layers spell these as
 * OpenAI deltas ({@code content}, {@code reasoning_content}, {@code tool_calls}) or Anthropic content blocks.
 */
public sealed interface ChatDelta {
    /** Visible answer text. */
    record Content(String text) implements ChatDelta {}

    /** Thinking text (between the model's reasoning markers). */
    record Reasoning(String text) implements ChatDelta {}

    /**
     * Part of tool call number {@code index} (0-based within the turn). The first delta of a call carries its
     * {@code id} and {@code name}; later ones have them null. {@code arguments} is the next fragment of the arguments'
     * JSON text (the fragments of one call concatenate to a JSON object).
     */
    record ToolCall(int index, String id, String name, String arguments) implements ChatDelta {}
}
