package hearth.engine.grammar;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.fasterxml.jackson.databind.ObjectMapper;
import java.util.List;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

/** Schemas compiled to grammars accept valid JSON instances and reject invalid ones (a table per schema). */
class JsonSchemaGrammarTest {
    static final ObjectMapper JSON_MAPPER = new ObjectMapper();

    static Object schema(String json) {
        try {
            return JSON_MAPPER.readValue(json, Object.class);
        } catch (Exception e) {
            throw new IllegalArgumentException(e);
        }
    }

    record Case(String name, String schema, List<String> valid, List<String> invalid) {
        @Override
        public String toString() {
            return name;
        }
    }

    static Stream<Case> cases() {
        return Stream.of(
                new Case("tool with required, optional, enum and a non-negative integer",
                        """
                        {"type":"object","properties":{"location":{"type":"string"},
                         "unit":{"type":"string","enum":["celsius","fahrenheit"]},"days":{"type":"integer","minimum":1}},
                         "required":["location"],"additionalProperties":false}""",
                        List.of("{\"location\":\"Paris\"}", "{\"location\": \"Paris\", \"unit\": \"celsius\"}",
                                "{\"location\":\"Paris\",\"days\":3}", "{\n  \"location\": \"Paris\",\n  \"unit\": \"fahrenheit\",\n  \"days\": 10\n}",
                                "{\"location\":\"a\\\"b\\\\ \\u00e9 \\n ü\"}"),
                        List.of("{}", "{\"unit\":\"celsius\"}", "{\"location\":\"Paris\",\"unit\":\"kelvin\"}",
                                "{\"location\":\"Paris\",\"days\":-1}", "{\"location\":\"Paris\",\"extra\":1}",
                                "{\"location\":\"Paris\",}", "{\"location\":Paris}", "{\"location\":\"Paris\",\"days\":1.5}",
                                "{\"location\":\"line\nbreak\"}", "{\"location\":\"Paris\"")),
                new Case("nested arrays of objects with bounds",
                        """
                        {"type":"object","properties":{"edits":{"type":"array","minItems":1,"items":{"type":"object",
                         "properties":{"path":{"type":"string"},"line":{"type":"integer"},
                         "tags":{"type":"array","items":{"type":"string"},"maxItems":2}},"required":["path","line"]}}},
                         "required":["edits"]}""",
                        List.of("{\"edits\":[{\"path\":\"a.txt\",\"line\":1}]}",
                                "{\"edits\": [{\"path\": \"a\", \"line\": -7, \"tags\": []}, {\"path\": \"b\", \"line\": 2, \"tags\": [\"x\", \"y\"]}]}"),
                        List.of("{\"edits\":[]}", "{\"edits\":[{\"path\":\"a\"}]}",
                                "{\"edits\":[{\"path\":\"a\",\"line\":1,\"tags\":[\"x\",\"y\",\"z\"]}]}",
                                "{\"edits\":[{\"path\":\"a\",\"line\":1,\"tags\":[1]}]}", "{\"edits\":{}}")),
                new Case("anyOf, type lists and nullable",
                        """
                        {"type":"object","properties":{"value":{"anyOf":[{"type":"string"},{"type":"number"}]},
                         "note":{"type":["string","null"]},"flag":{"type":"boolean","nullable":true}},
                         "required":["value","note","flag"]}""",
                        List.of("{\"value\":\"x\",\"note\":null,\"flag\":true}", "{\"value\":-1.5e3,\"note\":\"n\",\"flag\":null}"),
                        List.of("{\"value\":true,\"note\":null,\"flag\":true}", "{\"value\":1,\"note\":1,\"flag\":false}",
                                "{\"value\":1,\"note\":null}")),
                new Case("recursive $ref into $defs",
                        """
                        {"$defs":{"node":{"type":"object","properties":{"name":{"type":"string"},
                         "children":{"type":"array","items":{"$ref":"#/$defs/node"}}},"required":["name"]}},
                         "$ref":"#/$defs/node"}""",
                        List.of("{\"name\":\"a\"}", "{\"name\":\"a\",\"children\":[{\"name\":\"b\",\"children\":[{\"name\":\"c\"}]},{\"name\":\"d\"}]}"),
                        List.of("{\"name\":\"a\",\"children\":[{\"children\":[]}]}", "{\"children\":[]}")),
                new Case("allOf over a definitions $ref with string lengths",
                        """
                        {"definitions":{"base":{"type":"object","properties":{"id":{"type":"integer"}},"required":["id"]}},
                         "allOf":[{"$ref":"#/definitions/base"},
                          {"properties":{"label":{"type":"string","minLength":2,"maxLength":4}},"required":["label"]}]}""",
                        List.of("{\"id\":1,\"label\":\"ab\"}", "{\"id\":1,\"label\":\"a\\nc\"}", "{\"id\":1,\"label\":\"abcd\"}"),
                        List.of("{\"id\":1,\"label\":\"a\"}", "{\"id\":1,\"label\":\"abcde\"}", "{\"label\":\"ab\"}", "{\"id\":1}")),
                new Case("enum of mixed values and const",
                        """
                        {"anyOf":[{"enum":["a",1,true,null,{"k":[1]}]},{"const":"fixed"}]}""",
                        List.of("\"a\"", "1", "true", "null", "{\"k\":[1]}", "\"fixed\""),
                        List.of("\"b\"", "2", "false", "{\"k\":[2]}", "\"fixe\"")),
                new Case("formats and a pattern",
                        """
                        {"type":"object","properties":{"d":{"type":"string","format":"date"},"u":{"type":"string","format":"uuid"},
                         "code":{"type":"string","pattern":"^[A-Z]{2}-\\\\d{3}$"},"t":{"type":"string","format":"date-time"}},
                         "required":["d","u","code","t"]}""",
                        List.of("{\"d\":\"2024-02-29\",\"u\":\"123e4567-e89b-12d3-a456-426614174000\",\"code\":\"AB-123\",\"t\":\"2024-01-01T12:30:00Z\"}",
                                "{\"d\":\"1999-12-31\",\"u\":\"123E4567-E89B-12D3-A456-426614174000\",\"code\":\"ZZ-000\",\"t\":\"2024-01-01T23:59:59.123+05:30\"}"),
                        List.of("{\"d\":\"2024-13-01\",\"u\":\"123e4567-e89b-12d3-a456-426614174000\",\"code\":\"AB-123\",\"t\":\"2024-01-01T12:30:00Z\"}",
                                "{\"d\":\"2024-01-01\",\"u\":\"123e4567e89b12d3a456426614174000\",\"code\":\"AB-123\",\"t\":\"2024-01-01T12:30:00Z\"}",
                                "{\"d\":\"2024-01-01\",\"u\":\"123e4567-e89b-12d3-a456-426614174000\",\"code\":\"ab-123\",\"t\":\"2024-01-01T12:30:00Z\"}",
                                "{\"d\":\"2024-01-01\",\"u\":\"123e4567-e89b-12d3-a456-426614174000\",\"code\":\"AB-1234\",\"t\":\"2024-01-01T12:30:00Z\"}",
                                "{\"d\":\"2024-01-01\",\"u\":\"123e4567-e89b-12d3-a456-426614174000\",\"code\":\"AB-123\",\"t\":\"2024-01-01 12:30:00\"}")),
                new Case("unanchored pattern with quotes and escapes",
                        """
                        {"type":"string","pattern":"say \\"(hi|yo)\\"[.!]?"}""",
                        List.of("\"say \\\"hi\\\"\"", "\"well, say \\\"yo\\\"! ok\""),
                        List.of("\"say hi\"", "\"say \"hi\"\"")),
                new Case("additionalProperties as a schema",
                        """
                        {"type":"object","properties":{"a":{"type":"integer"}},"additionalProperties":{"type":"string"}}""",
                        List.of("{\"a\":1,\"x\":\"y\"}", "{\"x\":\"y\",\"z\":\"w\"}", "{}", "{\"a\":1}", "{\"ab\":\"y\",\"\":\"z\"}"),
                        List.of("{\"a\":1,\"x\":2}", "{\"a\":\"1\"}")),
                new Case("object without properties is any object",
                        """
                        {"type":"object"}""",
                        List.of("{}", "{\"any\":[1,{\"b\":null}],\"c\":\"d\"}"),
                        List.of("[]", "\"x\"", "{\"a\"}")),
                new Case("tuple via prefixItems",
                        """
                        {"type":"array","prefixItems":[{"type":"string"},{"type":"integer"}]}""",
                        List.of("[\"a\",1]", "[ \"a\", 1 ]"),
                        List.of("[\"a\"]", "[\"a\",1,2]", "[1,\"a\"]")),
                new Case("array length bounds",
                        """
                        {"type":"array","items":{"type":"integer"},"minItems":2,"maxItems":3}""",
                        List.of("[1,2]", "[1,2,3]", "[ 1, 2 ]", "[\n  1,\n  2\n]"),
                        List.of("[1]", "[1,2,3,4]", "[]", "[1,,2]")),
                new Case("numbers",
                        """
                        {"type":"number"}""",
                        List.of("0", "-0.5", "1e10", "12.25E-3", "1234567890123456"),
                        List.of("01", "1.", ".5", "+1", "1e1234", "12345678901234567", "NaN")),
                new Case("bounded whitespace",
                        """
                        {"type":"object","properties":{"a":{"type":"integer"}}}""",
                        List.of("{\n    \"a\": 1\n}", "{ \"a\" : 1 }", "{\"a\":1}"),
                        List.of("{\n" + " ".repeat(21) + "\"a\": 1}", "{  \"a\": 1}", " {\"a\":1}", "{\"a\":1} ")));
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("cases")
    void validInstancesAreAcceptedAndInvalidOnesRejected(Case c) {
        Grammar g = JsonSchemaGrammar.fromSchema(schema(c.schema()));
        for (String v : c.valid()) assertThat(g.matches(v)).as("valid: %s%n%s", v, g.toGbnf()).isTrue();
        for (String v : c.invalid()) assertThat(g.matches(v)).as("invalid: %s%n%s", v, g.toGbnf()).isFalse();
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("cases")
    void theGrammarReadsBackFromItsGbnfText(Case c) {
        Grammar g = Grammar.parse(JsonSchemaGrammar.fromSchema(schema(c.schema())).toGbnf());
        for (String v : c.valid()) assertThat(g.matches(v)).as(v).isTrue();
        for (String v : c.invalid()) assertThat(g.matches(v)).as(v).isFalse();
    }

    @Test
    void propertiesComeInSchemaOrder() {
        Grammar g = JsonSchemaGrammar.fromSchema(schema("{\"properties\":{\"a\":{\"type\":\"integer\"},\"b\":{\"type\":\"integer\"}},\"required\":[\"a\",\"b\"]}"));
        assertThat(g.matches("{\"a\":1,\"b\":2}")).isTrue();
        assertThat(g.matches("{\"b\":2,\"a\":1}")).isFalse();
    }

    @Test
    void theJsonSchemaDefaultForAdditionalPropertiesIsAvailable() {
        Object s = schema("{\"properties\":{\"a\":{\"type\":\"integer\"}}}");
        assertThat(JsonSchemaGrammar.fromSchema(s, new JsonSchemaGrammar.Options(20, false)).matches("{\"a\":1,\"b\":[true]}")).isTrue();
        assertThat(JsonSchemaGrammar.fromSchema(s).matches("{\"a\":1,\"b\":[true]}")).isFalse();
    }

    @Test
    void compactOptionAllowsNoWhitespace() {
        Grammar g = JsonSchemaGrammar.fromSchema(schema("{\"type\":\"array\",\"items\":{\"type\":\"integer\"}}"), new JsonSchemaGrammar.Options(-1, true));
        assertThat(g.matches("[1,2]")).isTrue();
        assertThat(g.matches("[1, 2]")).isFalse();
    }

    @Test
    void anyObjectAcceptsObjectsOnly() {
        Grammar g = JsonSchemaGrammar.anyObject();
        assertThat(g.matches("{}")).isTrue();
        assertThat(g.matches("{\"a\": [1, 2.5, {\"b\": \"c\"}, true, null], \"d\": {}}")).isTrue();
        assertThat(g.matches("[]")).isFalse();
        assertThat(g.matches("{'a': 1}")).isFalse();
        assertThat(g.matches("{\"a\": }")).isFalse();
    }

    @Test
    void unsupportedPatternsLeaveTheStringFree() {
        Grammar g = JsonSchemaGrammar.fromSchema(schema("{\"type\":\"string\",\"pattern\":\"^(a)\\\\1$\",\"maxLength\":3}"));
        assertThat(g.matches("\"xyz\"")).isTrue();
        assertThat(g.matches("\"wxyz\"")).isFalse();
    }

    @Test
    void unusableSchemasAreRejectedWithTheReason() {
        assertThatThrownBy(() -> JsonSchemaGrammar.fromSchema(schema("{\"$ref\":\"#/$defs/missing\"}")))
                .isInstanceOf(GrammarException.class).hasMessageContaining("points to nothing");
        assertThatThrownBy(() -> JsonSchemaGrammar.fromSchema(schema("{\"$ref\":\"https://example.com/s.json\"}")))
                .isInstanceOf(GrammarException.class).hasMessageContaining("only references into the same schema");
        assertThatThrownBy(() -> JsonSchemaGrammar.fromSchema(schema("{\"type\":\"text\"}")))
                .isInstanceOf(GrammarException.class).hasMessageContaining("unknown type 'text'");
        assertThatThrownBy(() -> JsonSchemaGrammar.fromSchema(false)).isInstanceOf(GrammarException.class);
        assertThatThrownBy(() -> JsonSchemaGrammar.fromSchema(schema("{\"enum\":[]}")))
                .isInstanceOf(GrammarException.class).hasMessageContaining("empty enum");
    }
}
