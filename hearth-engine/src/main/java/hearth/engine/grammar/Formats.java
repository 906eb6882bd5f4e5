package hearth.engine.grammar;

import static hearth.engine.grammar.Expr.alt;
import static hearth.engine.grammar.Expr.chars;
import static hearth.engine.grammar.Expr.opt;
import static hearth.engine.grammar.Expr.repeat;
import static hearth.engine.grammar.Expr.seq;
import static hearth.engine.grammar.Expr.text;

/** String formats with a fixed shape: the characters between the quotes. Calendar validity is approximate. */
final class Formats {
    private Formats() {}

    /** The content grammar for a format, or null for formats left unconstrained (email, uri, ...). */
    static Expr content(String format) {
        return switch (format) {
            case "date" -> date();
            case "time" -> time();
            case "date-time" -> seq(date(), chars('T', 'T', 't', 't'), time());
            case "uuid" -> seq(hex(8), text("-"), hex(4), text("-"), hex(4), text("-"), hex(4), text("-"), hex(12));
            default -> null;
        };
    }

    private static Expr digit() {
        return chars('0', '9');
    }

    private static Expr hex(int n) {
        return repeat(chars('0', '9', 'a', 'f', 'A', 'F'), n, n);
    }

    /** YYYY-MM-DD with month 01-12 and day 01-31. */
    private static Expr date() {
        Expr month = alt(seq(text("0"), chars('1', '9')), seq(text("1"), chars('0', '2')));
        Expr day = alt(seq(text("0"), chars('1', '9')), seq(chars('1', '2'), digit()), seq(text("3"), chars('0', '1')));
        return seq(repeat(digit(), 4, 4), text("-"), month, text("-"), day);
    }

    /** HH:MM:SS with optional fraction and a zone (Z or ±HH:MM); the zone is optional for a bare time. */
    private static Expr time() {
        Expr hour = alt(seq(chars('0', '1'), digit()), seq(text("2"), chars('0', '3')));
        Expr minute = seq(chars('0', '5'), digit());
        Expr zone = alt(chars('Z', 'Z', 'z', 'z'), seq(chars('+', '+', '-', '-'), hour, text(":"), minute));
        return seq(hour, text(":"), minute, text(":"), minute, opt(seq(text("."), repeat(digit(), 1, 9))), zone);
    }
}
