package hearth.engine.grammar;

/**
 * Grammars for JSON: from a JSON Schema ({@code response_format: json_schema}, strict tools) or for any JSON object
 * ({@code response_format: json_object}). Schemas are plain Java values as a JSON library maps them: {@code Map}
 * (objects), {@code List}, {@code String}, {@code Number}, {@code Boolean}, {@code null}.
 *
 * <p>Supported keywords: {@code type} (one or a list; {@code nullable: true}), {@code properties} with
 * {@code required} (properties in schema order; required ones always present, optional ones may be left out),
 * {@code additionalProperties} (false, true or a schema), {@code items}, {@code prefixItems} (and the older tuple
 * {@code items} / {@code additionalItems}), {@code minItems}/{@code maxItems}, {@code enum}, {@code const},
 * {@code anyOf}/{@code oneOf} (both as "any of"), {@code allOf} (merged), {@code $ref} to {@code #}, {@code #/$defs/..},
 * {@code #/definitions/..} or any pointer into the same schema (recursion allowed), {@code minLength}/{@code maxLength},
 * {@code pattern} (see {@link PatternRules}), {@code format} date, time, date-time and uuid,
 * {@code minimum}/{@code maximum}/{@code exclusiveMinimum}/{@code exclusiveMaximum} exactly for integers and, for
 * other numbers, only as far as the sign goes (non-negative or non-positive).
 *
 * <p>Limits, by design or not yet done: a missing {@code additionalProperties} next to {@code properties} means no
 * other keys (set {@link Options#strictObjects} false for the JSON Schema default, any other keys); where other keys
 * are allowed they must differ from the declared ones (unless a declared key needs escapes in JSON), and they come
 * after the declared ones; an unsupported pattern leaves the string free; {@code uniqueItems},
 * {@code multipleOf}, {@code minProperties}/{@code maxProperties}, {@code patternProperties}, {@code not},
 * {@code if}/{@code then}/{@code else} and exact ranges of non-integer numbers are ignored. Numbers have at most 16 digits before
 * and after the point and 3 in the exponent. Generated JSON is compact or pretty-printed: between tokens the grammar
 * allows nothing, one space, or a line break followed by up to {@link Options#maxIndent} spaces or tabs, so the output
 * can never dissolve into endless whitespace.
 */
public final class JsonSchemaGrammar {
    /**
     * @param maxIndent     most blanks after a line break between JSON tokens; negative: compact JSON only
     * @param strictObjects objects with declared properties admit no other keys unless additionalProperties says so;
     *                      tuples admit no items past prefixItems unless items says so
     */
    public record Options(int maxIndent, boolean strictObjects) {
        public static final Options DEFAULT = new Options(20, true);
    }

    private JsonSchemaGrammar() {}

    /** The grammar of JSON texts valid against the schema. Throws {@link GrammarException} for a schema it cannot use. */
    public static Grammar fromSchema(Object schema) {
        return fromSchema(schema, Options.DEFAULT);
    }

    public static Grammar fromSchema(Object schema, Options options) {
        RuleSet rules = new RuleSet();
        String root = rules.reserve("root");
        JsonRules json = new JsonRules(rules, options.maxIndent());
        rules.define(root, new SchemaCompiler(json, options.strictObjects()).compileRoot(schema, "schema"));
        return rules.compile(root);
    }

    /** Any JSON object ({@code response_format: {"type": "json_object"}}). */
    public static Grammar anyObject() {
        return anyObject(Options.DEFAULT);
    }

    public static Grammar anyObject(Options options) {
        RuleSet rules = new RuleSet();
        Expr object = new JsonRules(rules, options.maxIndent()).object();
        rules.put("root", object);
        return rules.compile("root");
    }

    /** Any JSON value. */
    public static Grammar anyValue() {
        RuleSet rules = new RuleSet();
        Expr value = new JsonRules(rules, Options.DEFAULT.maxIndent()).value();
        rules.put("root", value);
        return rules.compile("root");
    }
}
