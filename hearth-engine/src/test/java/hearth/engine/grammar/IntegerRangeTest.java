package hearth.engine.grammar;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.Map;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/** Integer schemas with bounds accept exactly the integers in range (checked against every integer nearby). */
class IntegerRangeTest {

    @ParameterizedTest(name = "[{0}, {1}]")
    @CsvSource(nullValues = "x", value = {"0, 0", "1, 9", "15, 213", "0, 100", "-50, 7", "-1000, -999", "-9, -1", "7, x", "x, -3",
            "x, 120", "99, 1001", "-1234, 1234"})
    void boundsAreExact(Long lo, Long hi) {
        java.util.Map<String, Object> schema = new java.util.HashMap<>(Map.of("type", "integer"));
        if (lo != null) schema.put("minimum", lo);
        if (hi != null) schema.put("maximum", hi);
        Grammar g = JsonSchemaGrammar.fromSchema(schema);
        for (long v = -2500; v <= 2500; v++) {
            boolean in = (lo == null || v >= lo) && (hi == null || v <= hi);
            assertThat(g.matches(Long.toString(v))).as("%d", v).isEqualTo(in);
        }
        assertThat(g.matches("007")).isFalse();
        assertThat(g.matches("-0")).isFalse();
    }

    @ParameterizedTest(name = "{0}")
    @CsvSource(delimiter = '|', value = {
            "{\"type\":\"integer\",\"exclusiveMinimum\":3,\"exclusiveMaximum\":6} | 4,5 | 3,6",
            "{\"type\":\"integer\",\"minimum\":3,\"exclusiveMinimum\":true,\"maximum\":6} | 4,6 | 3,7",
            "{\"type\":\"integer\",\"minimum\":0.5,\"maximum\":2.5} | 1,2 | 0,3"})
    void exclusiveAndFractionalBoundsRoundInward(String schema, String valid, String invalid) {
        Grammar g = JsonSchemaGrammar.fromSchema(JsonSchemaGrammarTest.schema(schema));
        for (String v : valid.split(",")) assertThat(g.matches(v.strip())).as(v).isTrue();
        for (String v : invalid.split(",")) assertThat(g.matches(v.strip())).as(v).isFalse();
    }

    @ParameterizedTest
    @CsvSource({"5, 4"})
    void anEmptyRangeIsRejected(long lo, long hi) {
        assertThatThrownBy(() -> JsonSchemaGrammar.fromSchema(Map.of("type", "integer", "minimum", lo, "maximum", hi)))
                .isInstanceOf(GrammarException.class).hasMessageContaining("no integer");
    }
}
