package hearth.engine.chat.jinja;

import java.util.List;

/** Expression syntax tree. Nullable parts are marked; everything else is non-null. */
sealed interface Expr {

    record Const(Object value) implements Expr { }

    record Name(String name) implements Expr { }

    /** {@code obj.name}: attribute first, then item (Jinja2's getattr). */
    record GetAttr(Expr obj, String name) implements Expr { }

    /** {@code obj[key]}: item first, then attribute (Jinja2's getitem). */
    record GetItem(Expr obj, Expr key) implements Expr { }

    /** {@code obj[start:stop:step]}; each bound may be null. */
    record Slice(Expr obj, Expr start, Expr stop, Expr step) implements Expr { }

    record Kwarg(String name, Expr value) implements Expr { }

    /** A call; {@code starArgs}/{@code starKwargs} ({@code *a}, {@code **k}) may be null. */
    record Call(Expr fn, List<Expr> args, List<Kwarg> kwargs, Expr starArgs, Expr starKwargs) implements Expr { }

    /** {@code value | name(args)}; value is null for the head of a {@code {% filter %}} / {@code {% set x | f %}} chain. */
    record Filter(Expr value, String name, List<Expr> args, List<Kwarg> kwargs) implements Expr { }

    /** {@code value is name(args)}; negation is a surrounding {@link Not}. */
    record Test(Expr value, String name, List<Expr> args, List<Kwarg> kwargs) implements Expr { }

    /** Unary {@code -} or {@code +}. */
    record Unary(String op, Expr operand) implements Expr { }

    record Not(Expr operand) implements Expr { }

    /** Arithmetic: {@code + - * / // % **}. */
    record Binary(String op, Expr left, Expr right) implements Expr { }

    record And(Expr left, Expr right) implements Expr { }

    record Or(Expr left, Expr right) implements Expr { }

    /** One link of a comparison chain: {@code == != < <= > >= in notin}. */
    record Operand(String op, Expr right) implements Expr { }

    /** {@code a < b <= c}: every link must hold, evaluated left to right with short circuit. */
    record Compare(Expr first, List<Operand> ops) implements Expr { }

    /** {@code a ~ b ~ c}: string concatenation of each part's str(). */
    record Concat(List<Expr> parts) implements Expr { }

    /** {@code then if test else orElse}; orElse null when the else part is missing. */
    record CondExpr(Expr test, Expr then, Expr orElse) implements Expr { }

    record ListLit(List<Expr> items) implements Expr { }

    record TupleLit(List<Expr> items) implements Expr { }

    record DictLit(List<Expr> keys, List<Expr> values) implements Expr { }

    /** Assignment target {@code ns.attr} (only in {@code {% set %}}). */
    record NsRef(String name, String attr) implements Expr { }
}
