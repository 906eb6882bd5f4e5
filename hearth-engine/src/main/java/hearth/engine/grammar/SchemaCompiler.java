package hearth.engine.grammar;

import static hearth.engine.grammar.Expr.alt;
import static hearth.engine.grammar.Expr.opt;
import static hearth.engine.grammar.Expr.ref;
import static hearth.engine.grammar.Expr.repeat;
import static hearth.engine.grammar.Expr.seq;
import static hearth.engine.grammar.Expr.star;
import static hearth.engine.grammar.Expr.text;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * Turns JSON Schemas (as plain Java maps and lists) into grammar rules. One compiler per rule set; several schemas
 * may be compiled into the same set (tool calls). See {@link JsonSchemaGrammar} for what is supported.
 */
final class SchemaCompiler {
    private static final Set<String> ANNOTATIONS = Set.of("$ref", "$schema", "$id", "$defs", "definitions", "title",
            "description", "examples", "default", "$comment", "deprecated", "readOnly", "writeOnly");

    private final JsonRules json;
    private final RuleSet rules;
    private final boolean strictObjects;
    private final Map<Object, Map<String, String>> refRules = new java.util.IdentityHashMap<>(); // root -> pointer -> rule
    private Object root;

    SchemaCompiler(JsonRules json, boolean strictObjects) {
        this.json = json;
        this.rules = json.rules();
        this.strictObjects = strictObjects;
    }

    /** The grammar of a top-level schema (its {@code $ref}s resolve against it); named after {@code name}. */
    Expr compileRoot(Object schema, String name) {
        Object saved = root;
        root = schema;
        try {
            return compile(schema, name);
        } finally {
            root = saved;
        }
    }

    /** A part of a larger schema ({@code root}, which its {@code $ref}s resolve against). */
    Expr compileIn(Object root, Object schema, String name) {
        Object saved = this.root;
        this.root = root;
        try {
            return compile(schema, name);
        } finally {
            this.root = saved;
        }
    }

    Expr compile(Object schema, String name) {
        if (schema instanceof Boolean b) {
            if (b) return json.value();
            throw new GrammarException(name + ": the schema false matches nothing");
        }
        Map<String, Object> s = SchemaMaps.map(schema, name);
        if (s.containsKey("$ref")) return reference(s, name);
        if (s.containsKey("allOf")) return compile(SchemaMaps.mergeAllOf(s, this::resolve, name), name);
        Object anyOf = s.containsKey("anyOf") ? s.get("anyOf") : s.get("oneOf");
        if (anyOf != null) return union(s, SchemaMaps.list(anyOf, name + ": anyOf/oneOf"), name);
        if (s.containsKey("const")) return text(JsonRules.literal(s.get("const")));
        if (s.containsKey("enum")) {
            List<?> values = SchemaMaps.list(s.get("enum"), name + ": enum");
            if (values.isEmpty()) throw new GrammarException(name + ": an empty enum matches nothing");
            List<Expr> options = new ArrayList<>();
            for (Object v : values) options.add(text(JsonRules.literal(v)));
            return alt(options);
        }
        List<String> types = SchemaMaps.types(s, name);
        if (types == null) return json.value();
        List<Expr> options = new ArrayList<>();
        for (String t : types) options.add(typed(t, s, name));
        if (Boolean.TRUE.equals(s.get("nullable")) && !types.contains("null")) options.add(json.nul());
        return alt(options);
    }

    private Expr typed(String type, Map<String, Object> s, String name) {
        return switch (type) {
            case "string" -> string(s, name);
            case "number" -> json.number(sign(s));
            case "integer" -> integer(s, name);
            case "boolean" -> json.bool();
            case "null" -> json.nul();
            case "object" -> object(s, name);
            case "array" -> array(s, name);
            default -> throw new GrammarException(name + ": unknown type '" + type + "'");
        };
    }

    /** anyOf/oneOf: each option, merged with the constraints written next to the anyOf. */
    private Expr union(Map<String, Object> s, List<?> options, String name) {
        if (options.isEmpty()) throw new GrammarException(name + ": an empty anyOf matches nothing");
        Map<String, Object> base = new LinkedHashMap<>(s);
        base.remove("anyOf");
        base.remove("oneOf");
        boolean constrained = base.keySet().stream().anyMatch(k -> !ANNOTATIONS.contains(k));
        List<Expr> alts = new ArrayList<>();
        for (int i = 0; i < options.size(); i++) {
            Object option = options.get(i);
            Object merged = constrained ? Map.of("allOf", java.util.Arrays.asList(base, option)) : option;
            alts.add(compile(merged, name + "-" + i));
        }
        return ref(rules.add(name, alt(alts)));
    }

    /** A {@code $ref}: one rule per target, so recursive schemas become recursive rules. */
    private Expr reference(Map<String, Object> s, String name) {
        String pointer = String.valueOf(s.get("$ref"));
        boolean siblings = s.keySet().stream().anyMatch(k -> !ANNOTATIONS.contains(k));
        if (siblings) {
            Map<String, Object> rest = new LinkedHashMap<>(s);
            rest.remove("$ref");
            return compile(Map.of("allOf", List.of(Map.of("$ref", pointer), rest)), name);
        }
        Map<String, String> known = refRules.computeIfAbsent(root, r -> new HashMap<>());
        String rule = known.get(pointer);
        if (rule == null) {
            Object target = resolve(pointer);
            rule = rules.reserve(SchemaMaps.refName(pointer));
            known.put(pointer, rule);
            rules.define(rule, compile(target, rule));
        }
        return ref(rule);
    }

    private Object resolve(String pointer) {
        return SchemaMaps.resolve(root, pointer);
    }

    /** 1: only non-negative numbers (minimum >= 0); -1: only non-positive (maximum <= 0); 0: either. */
    private static int sign(Map<String, Object> s) {
        Double min = SchemaMaps.number(s.get("minimum")), xmin = SchemaMaps.number(s.get("exclusiveMinimum"));
        Double max = SchemaMaps.number(s.get("maximum")), xmax = SchemaMaps.number(s.get("exclusiveMaximum"));
        if ((min != null && min >= 0) || (xmin != null && xmin >= 0)) return 1;
        if ((max != null && max <= 0) || (xmax != null && xmax <= 0)) return -1;
        return 0;
    }

    /** An integer within minimum/maximum (exclusive ones too, in the draft 4 and the later spelling). */
    private Expr integer(Map<String, Object> s, String name) {
        Double min = SchemaMaps.number(s.get("minimum")), max = SchemaMaps.number(s.get("maximum"));
        Long lo = min == null ? null : (long) Math.ceil(min);
        Long hi = max == null ? null : (long) Math.floor(max);
        Object xmin = s.get("exclusiveMinimum"), xmax = s.get("exclusiveMaximum");
        if (Boolean.TRUE.equals(xmin) && min != null && min == Math.rint(min)) lo = lo + 1;
        if (Boolean.TRUE.equals(xmax) && max != null && max == Math.rint(max)) hi = hi - 1;
        if (xmin instanceof Number n) lo = Math.max(lo == null ? Long.MIN_VALUE : lo, (long) Math.floor(n.doubleValue()) + 1);
        if (xmax instanceof Number n) hi = Math.min(hi == null ? Long.MAX_VALUE : hi, (long) Math.ceil(n.doubleValue()) - 1);
        if (lo == null && hi == null) return json.integer(0);
        Expr range = IntegerRanges.of(lo, hi, JsonRules.MAX_DIGITS);
        if (range == null) throw new GrammarException(name + ": no integer lies between minimum and maximum");
        return ref(rules.add("integer-" + (lo == null ? "" : lo) + "-" + (hi == null ? "" : hi), range));
    }

    private Expr string(Map<String, Object> s, String name) {
        Object pattern = s.get("pattern");
        if (pattern instanceof String p) {
            try {
                return ref(rules.add(name, seq(text("\""), PatternRules.content(p, json), text("\""))));
            } catch (PatternRules.Unsupported e) {
                // documented limit: an unsupported pattern leaves the string unconstrained (length limits still apply)
            }
        }
        if (s.get("format") instanceof String f) {
            Expr content = Formats.content(f);
            if (content != null) return ref(rules.add("string-" + f, seq(text("\""), content, text("\""))));
        }
        int min = SchemaMaps.count(s.get("minLength"), 0, name + ": minLength");
        int max = SchemaMaps.count(s.get("maxLength"), -1, name + ": maxLength");
        if (max >= 0 && max < min) throw new GrammarException(name + ": maxLength is below minLength");
        return json.string(min, max);
    }

    private Expr object(Map<String, Object> s, String name) {
        Map<String, Object> props = s.get("properties") == null ? Map.of() : SchemaMaps.map(s.get("properties"), name + ": properties");
        Set<String> required = new LinkedHashSet<>();
        if (s.get("required") != null) for (Object r : SchemaMaps.list(s.get("required"), name + ": required")) required.add(String.valueOf(r));
        Map<String, Object> all = new LinkedHashMap<>(props);
        for (String r : required) all.putIfAbsent(r, Boolean.TRUE); // required but undescribed: any value

        Object addl = s.get("additionalProperties");
        Expr extra;
        if (Boolean.FALSE.equals(addl)) extra = null;
        else if (addl instanceof Map<?, ?>) extra = compile(addl, name + "-additional");
        else if (Boolean.TRUE.equals(addl) || all.isEmpty() || !strictObjects) extra = json.value();
        else extra = null;

        Expr ws = json.ws();
        List<String> keys = new ArrayList<>(all.keySet());
        int n = keys.size();
        List<Expr> members = new ArrayList<>();
        for (String key : keys) {
            Expr value = compile(all.get(key), name + "-" + key);
            members.add(seq(text(JsonRules.quote(key)), ws, text(":"), ws, value, ws));
        }
        Expr extraMember = extra == null ? null : seq(json.stringExcept(all.keySet()), ws, text(":"), ws, extra, ws);
        // after[i]: members i.. when one was already written (each needs a comma first);
        // first[i]: members i.. when none was written yet
        Expr after = extraMember == null ? Expr.empty() : star(seq(text(","), ws, extraMember));
        Expr first = extraMember == null ? Expr.empty() : opt(seq(extraMember, after));
        if (extraMember != null) {
            after = ref(rules.add(name + "-more", after));
            first = ref(rules.add(name + "-extra", first));
        }
        for (int i = n - 1; i >= 0; i--) {
            boolean req = required.contains(keys.get(i));
            Expr m = members.get(i);
            Expr nextAfter = after;
            Expr newAfter = req ? seq(text(","), ws, m, nextAfter) : seq(opt(seq(text(","), ws, m)), nextAfter);
            Expr newFirst = req ? seq(m, nextAfter) : alt(seq(m, nextAfter), first);
            if (i > 0) after = ref(rules.add(name + "-after-" + keys.get(i), newAfter));
            first = i > 0 ? ref(rules.add(name + "-from-" + keys.get(i), newFirst)) : newFirst;
        }
        return ref(rules.add(name, seq(text("{"), ws, first, text("}"))));
    }

    private Expr array(Map<String, Object> s, String name) {
        List<?> prefix = s.get("prefixItems") == null ? List.of() : SchemaMaps.list(s.get("prefixItems"), name + ": prefixItems");
        Object items = s.get("items");
        if (items instanceof List<?> tuple) { // draft 4-7 tuple form
            prefix = tuple;
            items = s.get("additionalItems");
        }
        Expr item;
        if (Boolean.FALSE.equals(items) || (items == null && !prefix.isEmpty() && strictObjects)) item = null;
        else item = items == null ? json.value() : compile(items, name + "-item");
        int min = SchemaMaps.count(s.get("minItems"), 0, name + ": minItems");
        int max = SchemaMaps.count(s.get("maxItems"), -1, name + ": maxItems");
        if (max >= 0 && max < min) throw new GrammarException(name + ": maxItems is below minItems");
        Expr ws = json.ws();
        Expr body;
        if (!prefix.isEmpty()) {
            List<Expr> parts = new ArrayList<>();
            for (int i = 0; i < prefix.size(); i++) {
                if (i > 0) parts.add(seq(text(","), ws));
                parts.add(seq(compile(prefix.get(i), name + "-" + i), ws));
            }
            int k = prefix.size();
            if (item != null && (max < 0 || max > k)) {
                parts.add(repeat(seq(text(","), ws, item, ws), Math.max(0, min - k), max < 0 ? Expr.Repeat.UNBOUNDED : max - k));
            }
            body = seq(parts.toArray(Expr[]::new));
        } else if (item == null || max == 0) {
            body = Expr.empty();
        } else {
            Expr one = seq(item, ws);
            Expr more = repeat(seq(text(","), ws, one), Math.max(0, min - 1), max < 0 ? Expr.Repeat.UNBOUNDED : max - 1);
            body = min == 0 ? opt(seq(one, more)) : seq(one, more);
        }
        return ref(rules.add(name, seq(text("["), ws, body, text("]"))));
    }
}
