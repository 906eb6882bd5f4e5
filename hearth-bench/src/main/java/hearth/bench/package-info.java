/**
 * Benchmarks. {@link hearth.bench.ModelBench} measures the embedded engine (llama-bench style); the rest is the
 * load generator behind {@code hearth bench serve}, which measures any OpenAI-compatible server (Hearth,
 * llama-server, vLLM) the same way so that their numbers can be compared.
 *
 * <h2>Flow</h2>
 * {@link hearth.bench.ServeBench} resolves the model ({@code GET /v1/models}), sizes synthetic prompts with the
 * server's {@code POST /tokenize} when it has one, warms up, then runs each load point with
 * {@link hearth.bench.BenchRunner}: a closed loop of {@code N} clients or open-loop gamma/Poisson arrivals
 * ({@link hearth.bench.LoadShape}), each request on its own virtual thread through
 * {@link hearth.bench.StreamClient}. {@code GET /metrics} is scraped before and after each point for the
 * prefix-cache counters ({@link hearth.bench.PrefixCacheStats}). Workloads are in {@code dataset}, output formats
 * (stdout tables, JSON, HTML with PNG plots, compare) in {@code report}.
 *
 * <h2>Definitions (vLLM {@code bench serve})</h2>
 * <ul>
 *   <li>duration: wall clock from the first request sent to the end of the last one.</li>
 *   <li>request throughput = successful requests / duration; output throughput = their output tokens / duration;
 *       total throughput adds their prompt tokens. Peak output throughput: the busiest whole second.</li>
 *   <li>TTFT: send to the first streamed chunk carrying generated text; E2E: send to {@code [DONE]};
 *       TPOT = (E2E - TTFT) / (output tokens - 1), requests with one token left out;
 *       ITL: every gap between consecutive text-bearing chunks of every successful request.</li>
 *   <li>output tokens: {@code usage.completion_tokens} of the final chunk (requested with
 *       {@code stream_options.include_usage}); chunks counted when the server sends no usage.</li>
 *   <li>percentiles: linear interpolation between order statistics (numpy's default); std is the population one.</li>
 *   <li>goodput: successful requests meeting every {@code --slo} bound, per second of duration.</li>
 * </ul>
 * Two deliberate details: TTFT starts at the first chunk with text (vLLM times the first chunk with any
 * {@code choices}, which for chat is often a role-only chunk a server may send before prefill ends), and chunks
 * without text (role-only, finish-only) are not ITL samples. For servers that send the role with the first
 * token, both give the same numbers.
 */
package hearth.bench;
