package hearth.engine;

import hearth.engine.chat.parse.ReasoningMarkers;
import hearth.engine.chat.parse.ToolCallFormat;
import hearth.engine.chat.parse.ToolParameters;
import hearth.engine.sample.SamplingParams;
import java.util.List;

/**
 * One generation: prompt token ids (already templated and tokenised), sampling, limits, and how to read the output.
 *
 * @param maxTokens  most tokens to generate (the engine also stops at the context size)
 * @param stop       stop strings: matched across token boundaries, never part of the output
 * @param ignoreEos  keep generating past end-of-generation tokens (benchmarks)
 * @param output     how to split the text into content, reasoning and tool calls ({@link Output#RAW}: not at all)
 */
public record GenerateRequest(String id, int[] prompt, SamplingParams sampling, int maxTokens, List<String> stop, boolean ignoreEos,
                              Output output) {

    /**
     * Output parsing: tool-call markup to recognise, thinking markers (null: none), and whether the prompt left the
     * model inside a thinking block. When parsing is on, special tokens are decoded as text so that markers that are
     * special tokens reach the parser; the events then carry {@link hearth.engine.chat.parse.ChatDelta}s.
     * {@code toolParameters} types the arguments of formats that write them as bare text (Qwen3-Coder, GLM-4.5).
     */
    public record Output(ToolCallFormat tools, ReasoningMarkers reasoning, boolean startInReasoning, ToolParameters toolParameters) {
        public static final Output RAW = new Output(ToolCallFormat.NONE, null, false);

        public Output {
            toolParameters = toolParameters == null ? ToolParameters.NONE : toolParameters;
        }

        public Output(ToolCallFormat tools, ReasoningMarkers reasoning, boolean startInReasoning) {
            this(tools, reasoning, startInReasoning, ToolParameters.NONE);
        }

        public boolean parses() {
            return tools != ToolCallFormat.NONE || reasoning != null;
        }
    }

    public GenerateRequest {
        if (prompt == null || prompt.length == 0) throw new IllegalArgumentException("prompt must not be empty");
        if (maxTokens < 0) throw new IllegalArgumentException("maxTokens must be >= 0");
        stop = stop == null ? List.of() : List.copyOf(stop);
        sampling = sampling == null ? SamplingParams.defaults() : sampling;
        output = output == null ? Output.RAW : output;
    }

    public GenerateRequest(String id, int[] prompt, SamplingParams sampling, int maxTokens, List<String> stop, boolean ignoreEos) {
        this(id, prompt, sampling, maxTokens, stop, ignoreEos, Output.RAW);
    }

    public static GenerateRequest greedy(String id, int[] prompt, int maxTokens) {
        return new GenerateRequest(id, prompt, SamplingParams.GREEDY, maxTokens, List.of(), false);
    }

    public GenerateRequest withOutput(Output o) {
        return new GenerateRequest(id, prompt, sampling, maxTokens, stop, ignoreEos, o);
    }
}
