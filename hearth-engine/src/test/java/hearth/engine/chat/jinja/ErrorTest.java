package hearth.engine.chat.jinja;

import static hearth.engine.chat.jinja.JinjaCases.row;
import static org.assertj.core.api.Assertions.assertThat;

import java.util.stream.Stream;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * Inputs a template cannot render: the error kind and message match Jinja2's.
 * Expected outputs were produced by Python Jinja2 3.1.6 configured as Hugging Face transformers configures it;
 * a leading {@code !} marks an expected error ({@code !Kind: message}).
 */
class ErrorTest {

    static Stream<Arguments> cases() {
        return Stream.of(
                row("{{ 'a' + 1 }}", "{}", "!TypeError: can only concatenate str (not \"int\") to str"),
                row("{{ 1 is == 1 }}", "{}", "!TemplateSyntaxError: expected token 'name', got '=='"),
                row("{{ x is defined if true else 'no' }}", "{}", "!TemplateSyntaxError: expected token 'end of print statement', got 'true'"),
                row("{{ 'a' + x }}", "{\"x\": [\"l\"]}", "!TypeError: can only concatenate str (not \"list\") to str"),
                row("{{ 1 + 'a' }}", "{}", "!TypeError: unsupported operand type(s) for +: 'int' and 'str'"),
                row("{{ [1] + 'a' }}", "{}", "!TypeError: can only concatenate list (not \"str\") to list"),
                row("{{ x + 'a' }}", "{}", "!UndefinedError: 'x' is undefined"),
                row("{{ 'a' + x }}", "{}", "!UndefinedError: 'x' is undefined"),
                row("{{ x.y }}", "{}", "!UndefinedError: 'x' is undefined"),
                row("{{ x['y'] }}", "{}", "!UndefinedError: 'x' is undefined"),
                row("{{ x() }}", "{}", "!UndefinedError: 'x' is undefined"),
                row("{{ d.missing + 'a' }}", "{\"d\": {}}", "!UndefinedError: 'dict object' has no attribute 'missing'"),
                row("{{ d.missing.deeper }}", "{\"d\": {}}", "!UndefinedError: 'dict object' has no attribute 'missing'"),
                row("{{ l.replace('a', 'b') }}", "{\"l\": []}", "!UndefinedError: 'list object' has no attribute 'replace'"),
                row("{{ s.items() }}", "{\"s\": \"text\"}", "!UndefinedError: 'str object' has no attribute 'items'"),
                row("{{ raise_exception('custom refusal') }}", "{}", "!TemplateError: custom refusal"),
                row("{{ x | tojson }}", "{}", "!TypeError: Object of type Undefined is not JSON serializable"),
                row("{{ [1] | map('string') | tojson }}", "{}", "!TypeError: Object of type generator is not JSON serializable"),
                row("{{ 1 / 0 }}", "{}", "!ZeroDivisionError: division by zero"),
                row("{{ 1 // 0 }}", "{}", "!ZeroDivisionError: integer division or modulo by zero"),
                row("{{ 'a' < 1 }}", "{}", "!TypeError: '<' not supported between instances of 'str' and 'int'"),
                row("{{ 1 in 'abc' }}", "{}", "!TypeError: 'in <string>' requires string as left operand, not int"),
                row("{{ 'a' in none }}", "{}", "!TypeError: argument of type 'NoneType' is not iterable"),
                row("{{ none | length }}", "{}", "!TypeError: object of type 'NoneType' has no len()"),
                row("{{ 'x' | items | list }}", "{}", "!TypeError: Can only get item pairs from a mapping."),
                row("{{ 1() }}", "{}", "!TypeError: 'int' object is not callable"),
                row("{{ x - 1 }}", "{}", "!UndefinedError: 'x' is undefined"),
                row("{{ -'a' }}", "{}", "!TypeError: bad operand type for unary -: 'str'"),
                row("{{ 'x'.join([1]) }}", "{}", "!TypeError: sequence item 0: expected str instance, int found"),
                row("{{ [1] * 'a' }}", "{}", "!TypeError: can't multiply sequence by non-int of type 'str'"),
                row("{{ range(200000) | length }}", "{}", "!OverflowError: Range too big. The sandbox blocks ranges larger than MAX_RANGE (100000)."),
                row("{% macro r(n) %}{% if n > 0 %}{{ r(n - 1) }}{% else %}done{% endif %}{% endmacro %}{{ r(150) }}", "{}", "done"),
                row("{% macro r(n) %}{% if n > 0 %}{{ r(n - 1) }}{% else %}done{% endif %}{% endmacro %}{{ r(1000) }}", "{}", "!RecursionError: maximum recursion depth exceeded"),
                row("{% macro r() %}{{ r() }}{% endmacro %}{{ r() }}", "{}", "!RecursionError: maximum recursion depth exceeded"),
                row("{{ messages[0]['content'] + '!' }}", "{\"messages\": [{\"content\": [{\"type\": \"text\", \"text\": \"t\"}]}]}", "!TypeError: can only concatenate list (not \"str\") to list"),
                row("{% for a, b in 'abc' %}{% endfor %}", "{}", "!ValueError: not enough values to unpack (expected 2, got 1)"),
                row("{{ x | int }}", "{}", "!UndefinedError: 'x' is undefined"),
                row("{{ none.x.y }}", "{}", "!UndefinedError: 'None' has no attribute 'x'"),
                row("{{ [][0].x }}", "{}", "!UndefinedError: list object has no element 0"),
                row("{{ loop.index }}", "{}", "!UndefinedError: 'loop' is undefined"),
                row("{% for i in [1] %}{{ loop.previtem.x }}{% endfor %}", "{}", "!UndefinedError: there is no previous item"));
    }

    @ParameterizedTest(name = "[{index}] {0}")
    @MethodSource("cases")
    void failsLikeJinja2(String template, String variables, String expected) {
        assertThat(JinjaCases.outcome(template, variables)).isEqualTo(expected);
    }
}
