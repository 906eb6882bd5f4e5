package hearth.engine.chat.jinja;

import static hearth.engine.chat.jinja.JinjaCases.row;
import static org.assertj.core.api.Assertions.assertThat;

import java.util.stream.Stream;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * Jinja2 tests ({@code is defined}, {@code is string}, {@code is iterable}...) and their negation.
 * Expected outputs were produced by Python Jinja2 3.1.6 configured as Hugging Face transformers configures it;
 * a leading {@code !} marks an expected error ({@code !Kind: message}).
 */
class TestsTest {

    static Stream<Arguments> cases() {
        return Stream.of(
                row("{{ x is defined }} {{ y is defined }} {{ y is undefined }} {{ x is not defined }} {{ n is none }} {{ x is none }} {{ n is not none }}", "{\"x\": 1, \"n\": null}", "True False True False True False False"),
                row("{{ 's' is string }} {{ 1 is string }} {{ {} is mapping }} {{ [] is mapping }} {{ [] is iterable }} {{ 'x' is iterable }} {{ 1 is iterable }} {{ y is iterable }} {{ {} is iterable }}", "{}", "True False True False True True False True True"),
                row("{{ 1 is number }} {{ 1.5 is number }} {{ true is number }} {{ 's' is number }} {{ 1 is integer }} {{ 1.0 is integer }} {{ 1.0 is float }} {{ true is boolean }} {{ 1 is boolean }}", "{}", "True True True False True False True True False"),
                row("{{ [] is sequence }} {{ 'ab' is sequence }} {{ {} is sequence }} {{ 1 is sequence }} {{ y is sequence }} {{ (1,) is sequence }}", "{}", "True True True False True True"),
                row("{{ true is true }} {{ 1 is true }} {{ false is false }} {{ 0 is false }} {{ x is false }}", "{\"x\": false}", "True False True False True"),
                row("{{ 3 is odd }} {{ 3 is even }} {{ 9 is divisibleby 3 }} {{ 9 is divisibleby(2) }} {{ 'abc' is lower }} {{ 'ABC' is upper }} {{ 'aB' is lower }}", "{}", "True False True False True True False"),
                row("{{ 2 is in [1, 2] }} {{ 'a' is in 'xyz' }} {{ 1 is eq 1 }} {{ 1 is equalto 2 }} {{ 1 is ne 2 }} {{ 1 is lt 2 }} {{ 2 is gt 1 }} {{ 2 is ge 2 }} {{ 1 is le 0 }} {{ 1 is lessthan 2 }} {{ 1 is greaterthan 2 }}", "{}", "True False True False True True True True False True False"),
                row("{{ range is callable }} {{ 'x'.upper is callable }} {{ 1 is callable }} {{ none is sameas none }} {{ true is sameas 1 }} {{ 'x' | safe is escaped }} {{ 'x' is escaped }}", "{}", "True True False True False True False"),
                row("{{ x.a is defined and x.a.b is defined }} {{ x.b is defined and x.b.c }}", "{\"x\": {\"a\": {\"b\": 1}}}", "True False"),
                row("{{ 'a' is string and 'b' is string }}|{{ (x is defined) if true else 'no' }}|{{ 'v' if x is none else 'w' }}|{{ x is not none or 'alt' }}", "{\"x\": null}", "True|True|v|alt"),
                row("{{ [1, 2] | select('in', [2, 3]) | list }} {{ ['a', 'b'] | reject('equalto', 'a') | list }} {{ [1, 2, 3] | select('divisibleby', 3) | list }}", "{}", "[2] ['b'] [3]"));
    }

    @ParameterizedTest(name = "[{index}] {0}")
    @MethodSource("cases")
    void testsLikeJinja2(String template, String variables, String expected) {
        assertThat(JinjaCases.outcome(template, variables)).isEqualTo(expected);
    }
}
