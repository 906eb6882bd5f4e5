package hearth.engine.chat.jinja;

import java.util.List;

/** Statement syntax tree. */
sealed interface Node {

    record Text(String text) implements Node { }

    record Output(Expr expr) implements Node { }

    record Branch(Expr test, List<Node> body) { }

    /** {@code if / elif... / else}; orElse is empty when absent. */
    record If(List<Branch> branches, List<Node> orElse) implements Node { }

    /** {@code for target in iter [if filter] [recursive]}; filter may be null. */
    record For(Expr target, Expr iter, Expr filter, List<Node> body, List<Node> orElse, boolean recursive)
            implements Node { }

    record Set(Expr target, Expr value) implements Node { }

    /** {@code {% set x | filters %}body{% endset %}}; filter (a chain whose head has a null value) may be null. */
    record SetBlock(Expr target, Expr.Filter filter, List<Node> body) implements Node { }

    /** Parameters with trailing defaults; the flags say whether the body refers to caller/kwargs/varargs. */
    record Signature(List<String> params, List<Expr> defaults, boolean caller, boolean kwargs, boolean varargs) { }

    record Macro(String name, Signature signature, List<Node> body) implements Node { }

    /** {@code {% call(params) macro(args) %}body{% endcall %}}: body becomes the callee's {@code caller()}. */
    record CallBlock(Expr.Call call, Signature signature, List<Node> body) implements Node { }

    record FilterBlock(Expr.Filter filter, List<Node> body) implements Node { }

    record With(List<Expr> targets, List<Expr> values, List<Node> body) implements Node { }

    /** Statements rendered in place without a scope of their own (e.g. HF's {@code {% generation %}}). */
    record Block(List<Node> body) implements Node { }

    record Break() implements Node { }

    record Continue() implements Node { }
}
