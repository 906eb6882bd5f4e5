package hearth.engine.chat.jinja;

/**
 * Jinja2's default {@code Undefined}: a missing variable, attribute or item. It prints as the empty string, is false,
 * iterates as empty and has length 0, but any use that needs a real value (arithmetic, calling it, its attributes or
 * items, ordering comparisons) fails with {@link TemplateException.Kind#UNDEFINED} and Jinja2's message.
 */
final class Undefined {
    private static final Object MISSING = new Object();

    private final Object obj;
    private final Object name;
    private final String hint;
    private final TemplateException.Kind kind;

    private Undefined(Object obj, Object name, String hint, TemplateException.Kind kind) {
        this.obj = obj;
        this.name = name;
        this.hint = hint;
        this.kind = kind;
    }

    /** An undefined variable {@code name}. */
    static Undefined variable(String name) {
        return new Undefined(MISSING, name, null, TemplateException.Kind.UNDEFINED);
    }

    /** A missing attribute or item {@code name} of {@code obj}. */
    static Undefined member(Object obj, Object name) {
        return new Undefined(obj, name, null, TemplateException.Kind.UNDEFINED);
    }

    /** An undefined value with an explicit explanation. */
    static Undefined withHint(String hint) {
        return new Undefined(MISSING, null, hint, TemplateException.Kind.UNDEFINED);
    }

    /** A sandbox-forbidden attribute (e.g. {@code list.append}): using it raises SecurityError. */
    static Undefined unsafe(Object obj, String attribute) {
        return new Undefined(obj, attribute, "access to attribute '" + attribute + "' of '" + Values.typeName(obj)
                + "' object is unsafe.", TemplateException.Kind.SECURITY);
    }

    String message() {
        if (hint != null) return hint;
        if (obj == MISSING) return PyStrings.repr(String.valueOf(name)) + " is undefined";
        if (!(name instanceof String)) return objectTypeRepr(obj) + " has no element " + Values.repr(name);
        return PyStrings.repr(objectTypeRepr(obj)) + " has no attribute " + PyStrings.repr((String) name);
    }

    TemplateException error() {
        return new TemplateException(kind, message());
    }

    /** Jinja2's {@code object_type_repr}: "dict object", "None", "jinja2.utils.Namespace object"... */
    private static String objectTypeRepr(Object o) {
        if (o == null) return "None";
        String type = Values.typeName(o);
        return switch (o) {
            case Namespace ns -> "jinja2.utils.Namespace object";
            case Markup m -> "markupsafe.Markup object";
            case LoopContext l -> "jinja2.runtime.LoopContext object";
            default -> type + " object";
        };
    }

    @Override
    public String toString() {
        return "";
    }
}
