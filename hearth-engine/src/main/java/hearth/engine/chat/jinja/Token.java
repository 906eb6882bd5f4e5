package hearth.engine.chat.jinja;

/** One lexical token; {@code value} is the text (data, name, operator) or the decoded literal (string, number). */
record Token(Type type, Object value, int line) {

    enum Type { TEXT, VAR_BEGIN, VAR_END, BLOCK_BEGIN, BLOCK_END, NAME, STRING, INTEGER, FLOAT, OP, EOF }

    boolean is(Type t) {
        return type == t;
    }

    boolean isOp(String op) {
        return type == Type.OP && value.equals(op);
    }

    boolean isName(String name) {
        return type == Type.NAME && value.equals(name);
    }

    String text() {
        return String.valueOf(value);
    }

    /** Jinja2's describe_token: a name or operator as itself, other tokens by their kind. */
    String describe() {
        return type == Type.NAME || type == Type.OP ? (String) value : describe(type);
    }

    /** Jinja2's describe_token_type. */
    static String describe(Type type) {
        return switch (type) {
            case EOF -> "end of template";
            case TEXT -> "template data / text";
            case VAR_BEGIN -> "begin of print statement";
            case VAR_END -> "end of print statement";
            case BLOCK_BEGIN -> "begin of statement block";
            case BLOCK_END -> "end of statement block";
            default -> type.name().toLowerCase(java.util.Locale.ROOT);
        };
    }
}
