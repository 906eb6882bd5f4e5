/**
 * Constrained decoding: grammars that decide which tokens may come next, so structured output always parses.
 *
 * <h2>Building a grammar</h2>
 * <ul>
 *   <li>GBNF text (llama.cpp's format, e.g. a request's {@code grammar} field): {@link hearth.engine.grammar.Grammar#parse}.
 *   <li>A JSON Schema as plain Java values ({@code response_format: json_schema}, strict tools):
 *       {@link hearth.engine.grammar.JsonSchemaGrammar#fromSchema}; any JSON object ({@code json_object}):
 *       {@link hearth.engine.grammar.JsonSchemaGrammar#anyObject}.
 *   <li>A forced tool call in the model's chat format ({@code tool_choice: required} or a named function):
 *       {@link hearth.engine.grammar.ToolCallGrammar#forFormat} (JSON formats, and the key/value markup of Qwen3-Coder and
 *       GLM-4.5), or {@link hearth.engine.grammar.ToolCallGrammar#wrap} for literal text around any grammar.
 *   <li>A grammar that waits for a trigger text ({@code strict} tools under {@code tool_choice: auto}):
 *       {@link hearth.engine.grammar.Grammar#lazy}, or {@link hearth.engine.grammar.ToolCallGrammar#lazyForFormat}
 *       triggered by the format's opening marker. Until the trigger appears sampling is exactly unconstrained.
 *   <li>In code: {@link hearth.engine.grammar.Expr} rules and {@link hearth.engine.grammar.Grammar#of}.
 * </ul>
 * A {@link hearth.engine.grammar.Grammar} is compiled once, immutable and shareable; it goes into a request with
 * {@code SamplingParams.withGrammar(grammar)}. Invalid grammars and unusable schemas throw
 * {@link hearth.engine.grammar.GrammarException} (an {@code IllegalArgumentException}) when built, never later.
 *
 * <h2>How matching works</h2>
 * Grammars are compiled to rules over bytes (character classes become the UTF-8 byte sequences of their members, so
 * a token that holds half a character is handled exactly). A {@link hearth.engine.grammar.GrammarMatcher} keeps the
 * set of possible parse stacks (a pushdown automaton, as llama.cpp's sampler does; left-recursive grammars are
 * rejected) and caches every stack set it meets as a state with a byte transition table. A
 * {@link hearth.engine.grammar.TokenConstraint} applies that per token: one token is checked by walking its bytes,
 * the set of all allowed tokens by walking a byte trie of the vocabulary ({@link hearth.engine.grammar.TokenIndex},
 * built once per engine), pruned wherever the grammar rejects a prefix, and cached per state.
 */
package hearth.engine.grammar;
