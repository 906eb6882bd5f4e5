package hearth.server.openai;

import hearth.engine.chat.parse.ToolCallFormat;
import hearth.server.ServerConfig;
import hearth.server.backend.Backend;
import hearth.server.metrics.ServerMetrics;

/** What the OpenAI handlers need of one model; one per loaded model (see {@link ModelSource}). */
public record Services(Backend backend, ServerConfig config, ServerMetrics metrics, ChatPrompts prompts, OpenAiMapper mapper) {
    public Services(Backend backend, ServerConfig config, ServerMetrics metrics) {
        this(backend, config, metrics, new ChatPrompts(backend, config.chatTemplate()), new OpenAiMapper(backend.modelId(), config.reasoningFormat()));
    }

    /** The tool-call markup of this server's model: {@code --tool-parser}, else what the chat template renders. */
    public ToolCallFormat toolFormat() {
        return config.toolParser() != null ? ToolCallFormat.byName(config.toolParser()) : ToolCallFormat.detect(prompts.source());
    }

}
