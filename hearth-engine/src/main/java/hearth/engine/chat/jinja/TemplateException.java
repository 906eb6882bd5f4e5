package hearth.engine.chat.jinja;

/**
 * A template that cannot be compiled or that refuses to render. {@link #kind()} names the Python exception Jinja2
 * would raise in the same place, so callers can tell a template's own {@code raise_exception(...)} (kind
 * {@link Kind#TEMPLATE_ERROR}) from a template bug or unsuitable input.
 */
public final class TemplateException extends RuntimeException {

    /** The Jinja2 / Python exception class this error corresponds to. */
    public enum Kind {
        /** {@code raise_exception(msg)} called by the template itself. */
        TEMPLATE_ERROR("TemplateError"),
        /** Bad template source. */
        SYNTAX("TemplateSyntaxError"),
        /** Template source naming a filter or test that does not exist. */
        ASSERTION("TemplateAssertionError"),
        /** Use of an undefined value in a way that needs a value (call, arithmetic, attribute of undefined...). */
        UNDEFINED("UndefinedError"),
        /** Python TypeError: an operation on values of the wrong type. */
        TYPE_ERROR("TypeError"),
        /** Python ValueError. */
        VALUE_ERROR("ValueError"),
        /** Division or modulo by zero. */
        ZERO_DIVISION("ZeroDivisionError"),
        /** Python RecursionError: the template recursed too deeply (e.g. a macro calling itself without end). */
        RECURSION("RecursionError"),
        /** Python OverflowError (e.g. a sandboxed {@code range} that is too large). */
        OVERFLOW("OverflowError"),
        /** Jinja2 sandbox refusal, e.g. calling {@code list.append} in the immutable sandbox. */
        SECURITY("SecurityError"),
        /** Other runtime misuse (assigning an attribute of a non-namespace, bad filter arguments...). */
        RUNTIME("TemplateRuntimeError");

        private final String pythonName;

        Kind(String pythonName) {
            this.pythonName = pythonName;
        }

        /** Class name of the equivalent Python exception, e.g. {@code TypeError}. */
        public String pythonName() {
            return pythonName;
        }
    }

    private final Kind kind;
    private final int line;

    public TemplateException(Kind kind, String message) {
        this(kind, message, 0);
    }

    public TemplateException(Kind kind, String message, int line) {
        super(message);
        this.kind = kind;
        this.line = line;
    }

    public Kind kind() {
        return kind;
    }

    /** Template line of a syntax error (1-based), or 0 when unknown. */
    public int line() {
        return line;
    }

    /** The error as Python prints it: {@code "TypeError: can only concatenate str (not \"list\") to str"}. */
    public String describe() {
        return kind.pythonName() + ": " + getMessage();
    }

    static TemplateException type(String message) {
        return new TemplateException(Kind.TYPE_ERROR, message);
    }

    static TemplateException syntax(String message, int line) {
        return new TemplateException(Kind.SYNTAX, message, line);
    }

    static TemplateException runtime(String message) {
        return new TemplateException(Kind.RUNTIME, message);
    }
}
