/**
 * Router mode: many models from one directory, loaded on demand.
 *
 * <p>{@link hearth.server.router.ModelCatalog} finds the models of a directory and names them (file stems, hub
 * names, preset aliases from {@code models.toml}/{@code models.yaml}); names are only ever looked up, never turned
 * into paths. {@link hearth.server.router.MemoryEstimate} prices a model from its GGUF header exactly as the engine
 * will allocate it. {@link hearth.server.router.ModelRouter} loads models in the background, hands out leases to
 * requests (a leased model is never unloaded) and unloads idle ones by {@link hearth.server.router.Eviction} (LRU
 * within {@code --models-max}/{@code --models-memory}) or after their idle TTL. {@link hearth.server.router.RouterModels}
 * and {@link hearth.server.router.RouterHandlers} connect it to the HTTP server. See {@code docs/router.md}.
 */
package hearth.server.router;
