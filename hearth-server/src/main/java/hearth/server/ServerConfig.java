package hearth.server;

import java.time.Duration;
import java.util.List;

/**
 * What the HTTP layer needs to know; the engine's own settings live in {@link hearth.engine.EngineConfig}.
 *
 * @param maxPromptTokens most prompt tokens a request may have (0 = only the context size limits it)
 * @param maxNewTokens    cap on generated tokens per choice (0 = only the context size limits it); larger
 *                        {@code max_tokens} values are lowered to it
 * @param maxBodyBytes    largest request body accepted (413 beyond)
 * @param apiKeys         accepted bearer keys (empty = no authentication)
 * @param chatTemplate    {@code --chat-template}: a built-in name (chatml, llama3) or a Jinja file; null = the model's
 * @param shutdownGrace   how long in-flight requests may run after SIGTERM
 * @param reasoningFormat {@code --reasoning-format}: both, reasoning_content (default), reasoning, or none (inline)
 * @param toolParser      {@code --tool-parser}: the tool-call markup to parse and constrain (a
 *                        {@link hearth.engine.chat.parse.ToolCallFormat} name); null = detected from the template
 */
public record ServerConfig(String host, int port, int maxPromptTokens, int maxNewTokens, long maxBodyBytes,
                           List<String> apiKeys, String chatTemplate, Duration shutdownGrace, String toolParser,
                           String reasoningFormat) {
    /** {@code --reasoning-format} values: where thinking goes in chat output ("none": left inline in the content). */
    public static final java.util.Set<String> REASONING_FORMATS = java.util.Set.of("both", "reasoning_content", "reasoning", "none");

    public static final String VERSION = "0.1.0";
    public static final String FINGERPRINT = "hearth-" + VERSION;

    public ServerConfig {
        apiKeys = List.copyOf(apiKeys);
        if (port < 0 || port > 65535) throw new IllegalArgumentException("port must be 0..65535, got " + port);
        if (maxPromptTokens < 0) throw new IllegalArgumentException("max prompt tokens must be >= 0");
        if (maxNewTokens < 0) throw new IllegalArgumentException("max new tokens must be >= 0");
        if (maxBodyBytes < 1) throw new IllegalArgumentException("max body size must be >= 1");
        if (reasoningFormat == null) reasoningFormat = "reasoning_content";
        if (!REASONING_FORMATS.contains(reasoningFormat)) {
            throw new IllegalArgumentException("--reasoning-format must be both, reasoning_content, reasoning or none, got '" + reasoningFormat + "'");
        }
        if (toolParser != null) hearth.engine.chat.parse.ToolCallFormat.byName(toolParser); // fails early on a bad name
    }

    public ServerConfig(String host, int port, int maxPromptTokens, int maxNewTokens, long maxBodyBytes,
                        List<String> apiKeys, String chatTemplate, Duration shutdownGrace) {
        this(host, port, maxPromptTokens, maxNewTokens, maxBodyBytes, apiKeys, chatTemplate, shutdownGrace, null, null);
    }

    /** Defaults for tests and embedding: 127.0.0.1, any free port, no limits beyond the context, no keys. */
    public static ServerConfig defaults() {
        return new ServerConfig("127.0.0.1", 0, 0, 0, 16L << 20, List.of(), null, Duration.ofSeconds(25));
    }

    public ServerConfig withApiKeys(List<String> keys) {
        return new ServerConfig(host, port, maxPromptTokens, maxNewTokens, maxBodyBytes, keys, chatTemplate, shutdownGrace, toolParser, reasoningFormat);
    }

    public ServerConfig withLimits(int maxPrompt, int maxNew) {
        return new ServerConfig(host, port, maxPrompt, maxNew, maxBodyBytes, apiKeys, chatTemplate, shutdownGrace, toolParser, reasoningFormat);
    }

    public ServerConfig withMaxBodyBytes(long bytes) {
        return new ServerConfig(host, port, maxPromptTokens, maxNewTokens, bytes, apiKeys, chatTemplate, shutdownGrace, toolParser, reasoningFormat);
    }

    public ServerConfig withChatTemplate(String template) {
        return new ServerConfig(host, port, maxPromptTokens, maxNewTokens, maxBodyBytes, apiKeys, template, shutdownGrace, toolParser, reasoningFormat);
    }

    public ServerConfig withShutdownGrace(Duration grace) {
        return new ServerConfig(host, port, maxPromptTokens, maxNewTokens, maxBodyBytes, apiKeys, chatTemplate, grace, toolParser, reasoningFormat);
    }

    public ServerConfig withToolParser(String parser) {
        return new ServerConfig(host, port, maxPromptTokens, maxNewTokens, maxBodyBytes, apiKeys, chatTemplate, shutdownGrace, parser, reasoningFormat);
    }

    public ServerConfig withReasoningFormat(String format) {
        return new ServerConfig(host, port, maxPromptTokens, maxNewTokens, maxBodyBytes, apiKeys, chatTemplate, shutdownGrace, toolParser, format);
    }
}
