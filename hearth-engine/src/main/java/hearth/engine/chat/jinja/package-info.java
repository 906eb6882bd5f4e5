/**
 * A small Jinja2 interpreter for Hugging Face chat templates, matching Python Jinja2 3.1 as transformers configures
 * it ({@code ImmutableSandboxedEnvironment(trim_blocks=True, lstrip_blocks=True)} with loop controls, HF's
 * {@code tojson}, {@code raise_exception} and {@code strftime_now}). Entry point: {@link JinjaTemplate}.
 *
 * <p>Pipeline: {@code Lexer} (whitespace control, comments, raw) → {@code Parser}/{@code ExpressionParser} (syntax
 * tree of {@code Node} statements and {@code Expr} expressions) → {@code Interpreter} (one per render). Python value
 * semantics live in {@code Values}, {@code Operators}, {@code Access} (attribute/item/slice lookup with the sandbox's
 * rules), {@code Methods} (str/dict/list methods), {@code Filters}, {@code Tests}, {@code Json}, {@code PyStrings}
 * and {@code PyFormat}.
 *
 * <p>Supported: {@code if/elif/else}, {@code for} (else branch, loop filter, unpacking, {@code loop.*},
 * {@code recursive}), {@code set} (tuple targets, {@code ns.attr}, block set with filters), {@code macro} with
 * defaults, {@code varargs}/{@code kwargs}, {@code call} blocks with {@code caller()}, {@code filter} blocks,
 * {@code with}, {@code break}/{@code continue}, {@code raw}, HF's {@code generation} block (renders its body),
 * comments; Jinja2's default {@code Undefined}; Markup from {@code |safe} (and its escaping on {@code +}).
 *
 * <p>Not supported (not used by chat templates): template inheritance and inclusion ({@code extends}, {@code block},
 * {@code include}, {@code import}), {@code autoescape} blocks, the {@code do} and i18n extensions, line statements,
 * the filters {@code groupby}, {@code wordwrap}, {@code urlize}, {@code urlencode}, {@code xmlattr},
 * {@code filesizeformat}, {@code random}. Integers are 64-bit: a result that would need more is refused with
 * OverflowError instead of Python's big integers. Nesting of macro calls is limited to 200 levels (Python's recursion
 * limit is reached at about the same depth); that depth needs about 1 MB of thread stack.
 */
package hearth.engine.chat.jinja;
