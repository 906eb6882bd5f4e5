package hearth.server.openai;

import hearth.engine.chat.parse.ToolCallFormat;
import hearth.server.ServerConfig;
import hearth.server.backend.Backend;
import hearth.server.http.ApiError;
import hearth.server.metrics.ServerMetrics;

/** What the OpenAI handlers share; built once by {@link hearth.server.HearthServer}. */
public record Services(Backend backend, ServerConfig config, ServerMetrics metrics, ChatPrompts prompts, OpenAiMapper mapper) {
    public Services(Backend backend, ServerConfig config, ServerMetrics metrics) {
        this(backend, config, metrics, new ChatPrompts(backend, config.chatTemplate()), new OpenAiMapper(backend.modelId(), config.reasoningFormat()));
    }

    /** The tool-call markup of this server's model: {@code --tool-parser}, else what the chat template renders. */
    public ToolCallFormat toolFormat() {
        return config.toolParser() != null ? ToolCallFormat.byName(config.toolParser()) : ToolCallFormat.detect(prompts.source());
    }

    /** The model a request names must be this server's (absent = this one). Returns the id to report. */
    String checkModel(String requested) {
        String id = backend.modelId();
        if (requested == null || requested.isEmpty() || requested.equals(id) || requested.equals(id + ".gguf")) return id;
        throw ApiError.notFound("the model '" + requested + "' does not exist; this server serves '" + id + "'", "model", "model_not_found");
    }
}
