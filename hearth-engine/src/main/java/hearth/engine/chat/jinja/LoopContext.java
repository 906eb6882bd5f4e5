package hearth.engine.chat.jinja;

import java.util.List;
import java.util.Map;
import java.util.function.Function;

/** The {@code loop} variable of a for loop: position, neighbours, {@code cycle}, {@code changed}, recursion. */
final class LoopContext implements PyCallable {
    private final List<Object> items;
    private final int depth0;
    /** Renders the loop body again over another iterable (recursive loops), or null when not recursive. */
    private final Function<Object, String> recurse;
    private int index0 = -1;
    private List<Object> lastChanged;

    LoopContext(List<Object> items, int depth0, Function<Object, String> recurse) {
        this.items = items;
        this.depth0 = depth0;
        this.recurse = recurse;
    }

    void advance() {
        index0++;
    }

    int depth0() {
        return depth0;
    }

    /** The attribute {@code name}, or {@link Access#MISSING} when loop has no such attribute. */
    Object attribute(String name) {
        int n = items.size();
        return switch (name) {
            case "index" -> (long) index0 + 1;
            case "index0" -> (long) index0;
            case "revindex" -> (long) (n - index0);
            case "revindex0" -> (long) (n - index0 - 1);
            case "first" -> index0 == 0;
            case "last" -> index0 == n - 1;
            case "length" -> (long) n;
            case "depth" -> (long) depth0 + 1;
            case "depth0" -> (long) depth0;
            case "previtem" -> index0 > 0 ? items.get(index0 - 1) : Undefined.withHint("there is no previous item");
            case "nextitem" -> index0 + 1 < n ? items.get(index0 + 1) : Undefined.withHint("there is no next item");
            case "cycle" -> new Builtin("cycle", (args, kwargs) -> {
                if (args.isEmpty()) throw TemplateException.type("no items for cycling given");
                return args.get(index0 % args.size());
            });
            case "changed" -> new Builtin("changed", (args, kwargs) -> {
                if (lastChanged != null && Values.pyEquals(lastChanged, args)) return false;
                lastChanged = List.copyOf(args);
                return true;
            });
            default -> Access.MISSING;
        };
    }

    @Override
    public Object call(List<Object> args, Map<String, Object> kwargs) {
        if (recurse == null) {
            throw TemplateException.type("The loop must have the 'recursive' marker to be called recursively.");
        }
        if (args.size() != 1) throw TemplateException.type("loop() takes exactly one argument");
        return recurse.apply(args.getFirst());
    }

    @Override
    public String describe() {
        return "<LoopContext " + (index0 + 1) + "/" + items.size() + ">";
    }
}
