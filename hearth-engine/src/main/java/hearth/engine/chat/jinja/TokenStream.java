package hearth.engine.chat.jinja;

import hearth.engine.chat.jinja.Token.Type;
import java.util.List;

/** Cursor over the token list with Jinja2-style "expected token" errors; base of the parsers. */
abstract class TokenStream {
    private final List<Token> tokens;
    private int pos;

    TokenStream(List<Token> tokens) {
        this.tokens = tokens;
    }

    Token cur() {
        return tokens.get(pos);
    }

    Token look() {
        return tokens.get(Math.min(pos + 1, tokens.size() - 1));
    }

    Token next() {
        Token t = tokens.get(pos);
        if (pos < tokens.size() - 1) pos++;
        return t;
    }

    TemplateException fail(String message) {
        return TemplateException.syntax(message, cur().line());
    }

    /** Jinja2's message for a missing token: {@code expected token 'X', got 'Y'}. */
    TemplateException unexpected(String expected) {
        if (cur().is(Type.EOF)) return fail("unexpected end of template, expected '" + expected + "'.");
        return fail("expected token '" + expected + "', got '" + cur().describe() + "'");
    }

    Token expect(Type type) {
        if (!cur().is(type)) throw unexpected(Token.describe(type));
        return next();
    }

    void expectOp(String op) {
        if (!cur().isOp(op)) throw unexpected(op);
        next();
    }

    String expectName() {
        return (String) expect(Type.NAME).value();
    }

    void expectName(String name) {
        if (!cur().isName(name)) throw unexpected(name);
        next();
    }

    boolean skipOp(String op) {
        if (cur().isOp(op)) {
            next();
            return true;
        }
        return false;
    }

    boolean skipName(String name) {
        if (cur().isName(name)) {
            next();
            return true;
        }
        return false;
    }
}
