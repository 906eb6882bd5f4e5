package hearth.engine.grammar;

import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * Named rules being built in code. Names are made unique and GBNF-safe; a body added twice under any name gets the
 * first name back, so shared pieces (strings, numbers, whitespace) exist once.
 */
final class RuleSet {
    private final Map<String, Expr> rules = new LinkedHashMap<>();
    private final Map<Expr, String> byBody = new HashMap<>();

    /** The name of a rule with this body: an existing one with the same body, or a new one named after the hint. */
    String add(String hint, Expr body) {
        String known = byBody.get(body);
        if (known != null) return known;
        String name = reserve(hint);
        define(name, body);
        return name;
    }

    /** A fresh name for a rule whose body comes later (recursive definitions). */
    String reserve(String hint) {
        String base = sanitize(hint);
        String name = base;
        for (int i = 1; rules.containsKey(name); i++) name = base + "-" + i;
        rules.put(name, null);
        return name;
    }

    void define(String name, Expr body) {
        rules.put(name, body);
        byBody.putIfAbsent(body, name);
    }

    /** Adds or replaces a rule under exactly this name. */
    void put(String name, Expr body) {
        rules.put(name, body);
    }

    boolean contains(String name) {
        return rules.containsKey(name);
    }

    Map<String, Expr> rules() {
        for (Map.Entry<String, Expr> e : rules.entrySet()) {
            if (e.getValue() == null) throw new IllegalStateException("rule '" + e.getKey() + "' was never defined");
        }
        return rules;
    }

    Grammar compile(String root) {
        return Grammar.of(rules(), root);
    }

    static String sanitize(String hint) {
        StringBuilder sb = new StringBuilder();
        for (int i = 0; i < hint.length() && sb.length() < 48; i++) {
            char c = hint.charAt(i);
            boolean ok = (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') || c == '-';
            sb.append(ok ? c : '-');
        }
        String s = sb.toString().replaceAll("-{2,}", "-").replaceAll("^-|-$", "");
        return s.isEmpty() ? "r" : s;
    }
}
