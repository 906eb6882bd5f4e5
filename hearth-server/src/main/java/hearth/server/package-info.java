/**
 * The OpenAI-compatible HTTP server over the engine (Javalin 7 on Jetty 12, virtual threads).
 *
 * <p>Routes ({@link hearth.server.HearthServer} holds the one table): {@code POST /v1/chat/completions},
 * {@code /v1/completions}, {@code /v1/embeddings} (400: generative models cannot pool), {@code GET /v1/models},
 * {@code /v1/models/{id}}, Anthropic's {@code POST /v1/messages} and {@code /v1/messages/count_tokens}
 * ({@code anthropic} package; errors in Anthropic's shape there), OpenAI's {@code POST /v1/responses} ({@code responses}
 * package; stateless), llama-server's {@code POST /tokenize}, {@code /detokenize}, {@code /apply-template}, and
 * {@code /metrics}; all need {@code Authorization: Bearer} (or {@code x-api-key}) when keys are configured. {@code /health}, {@code /healthz}
 * and {@code /readyz} are open.
 *
 * <p>A request: auth → admission (503 while draining) → {@code openai.RequestReader} validates the body into records
 * (400 naming the parameter) → chat template and tokenizer → {@code openai.Runner} submits one engine sequence per
 * choice; the engine thread only appends events to a per-request queue, the request's virtual thread maps them
 * ({@code openai.OpenAiMapper}) to one JSON body or SSE chunks. A streaming client that disconnects has its sequences
 * cancelled at the next write.
 *
 * <p>{@code tool_choice} "required" or a named function, and {@code response_format} json_object / json_schema (the
 * Responses API's {@code text.format}), are enforced by a grammar ({@code openai.Constraints}: the tool-call markup of
 * {@code --tool-parser} or the template); under {@code tool_choice} "auto" a {@code strict} tool makes the grammar lazy
 * (prose stays free, a call the model starts follows the schemas). The messages and responses routes reuse the chat
 * route's template, parsing and limits through {@code openai.SingleRun}. Hearth's engine reads text only: image parts
 * and blocks are a 400. With a forwarding backend {@code /v1/messages} is translated to a chat completion for the engine
 * ({@code anthropic.ForwardedMessages}, images as {@code image_url} parts) and its answer back.
 *
 * <p>Response shapes follow llama-server (conformance/api-samples) with one deliberate difference: a stream's usage
 * and timings come in a last chunk with no choices (OpenAI's shape, also current llama-server's) rather than inside
 * the finish chunk, because the official SDK's stream accumulator needs that.
 *
 * <p>Handlers find a request's model through {@code openai.ModelSource}: {@code openai.SingleModel} (one backend) or,
 * with {@code --models-dir}, {@code router.RouterModels}, which leases the named model from the router for the
 * duration of the request and adds {@code GET /models}, {@code POST /models/load|unload} and {@code GET /models/events}.
 */
package hearth.server;
