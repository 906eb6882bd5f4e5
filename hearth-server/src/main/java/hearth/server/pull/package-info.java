/**
 * {@code hearth pull}: models from the Hugging Face hub into a hub-layout cache.
 *
 * <p>{@link hearth.server.pull.HubClient} speaks the hub's HTTP API (revision, paged tree listing, resolve with
 * redirects followed by hand so the token never leaves the hub's origin). {@link hearth.server.pull.Puller} selects
 * files ({@link hearth.server.pull.FileSelector}), downloads them with {@link hearth.server.pull.Downloader} (parallel
 * byte ranges into a resumable {@code .part} file, checksum-verified, retried) into a
 * {@link hearth.server.pull.Store}, and falls back to the cache when offline. Every path from the network passes
 * {@code SafePaths}. See {@code docs/router.md}.
 */
package hearth.server.pull;
