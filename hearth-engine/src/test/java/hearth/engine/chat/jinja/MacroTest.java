package hearth.engine.chat.jinja;

import static hearth.engine.chat.jinja.JinjaCases.row;
import static org.assertj.core.api.Assertions.assertThat;

import java.util.stream.Stream;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * Macros: arguments and defaults, keyword arguments, varargs/kwargs, caller blocks, recursion, scope.
 * Expected outputs were produced by Python Jinja2 3.1.6 configured as Hugging Face transformers configures it;
 * a leading {@code !} marks an expected error ({@code !Kind: message}).
 */
class MacroTest {

    static Stream<Arguments> cases() {
        return Stream.of(
                row("{% macro greet(name, greeting='Hello') %}{{ greeting }}, {{ name }}!{% endmacro %}{{ greet('Ann') }} {{ greet('Bob', 'Hi') }} {{ greet(greeting='Yo', name='Cy') }} {{ greet() }}", "{}", "Hello, Ann! Hi, Bob! Yo, Cy! Hello, !"),
                row("{% macro m(a, b=a ~ '!') %}{{ a }}{{ b }}{% endmacro %}{{ m('x') }}", "{}", "xx!"),
                row("{% macro m() %}{{ varargs }}{{ kwargs }}{% endmacro %}{{ m(1, 2, k=3) }}", "{}", "(1, 2){'k': 3}"),
                row("{% macro m(a) %}{{ a }}{% endmacro %}{{ m(1, 2) }}", "{}", "!TypeError: macro 'm' takes not more than 1 argument(s)"),
                row("{% macro m(a) %}{{ a }}{% endmacro %}{{ m(b=1) }}", "{}", "!TypeError: macro 'm' takes no keyword argument 'b'"),
                row("{% macro m(a) %}{{ a }}{% endmacro %}{{ m(1, a=2) }}", "{}", "!TypeError: macro 'm' takes no keyword argument 'a'"),
                row("{% macro wrap(tag) %}<{{ tag }}>{{ caller() }}</{{ tag }}>{% endmacro %}{% call wrap('b') %}bold {{ 1 + 1 }}{% endcall %}", "{}", "<b>bold 2</b>"),
                row("{% macro each(items) %}{% for i in items %}{{ caller(i) }}{% endfor %}{% endmacro %}{% call(x) each([1, 2]) %}[{{ x }}]{% endcall %}", "{}", "[1][2]"),
                row("{% macro fact(n) %}{% if n <= 1 %}1{% else %}{{ n * fact(n - 1) | int }}{% endif %}{% endmacro %}{{ fact(5) }}", "{}", "120"),
                row("{% set g = 'global' %}{% macro show() %}{{ g }}{% set g = 'local' %}{{ g }}{% endmacro %}{{ show() }}{{ g }}", "{}", "globallocalglobal"),
                row("{% macro late() %}{{ later }}{% endmacro %}{% set later = 'set after definition' %}{{ late() }}", "{}", "set after definition"),
                row("{% macro m() %}{{ msg }}{% endmacro %}{% for msg in ['loopvar'] %}[{{ m() }}]{% endfor %}", "{}", "[]"),
                row("{% macro ty(t) %}{% if t == 'string' %}str{% elif t in ('number', 'integer') %}int{% else %}Any{% endif %}{% endmacro %}{{ ty('string') }},{{ ty('integer') }},{{ ty('x') }}", "{}", "str,int,Any"),
                row("{% macro m() %}x{% endmacro %}{{ m() + 'y' }}|{{ m() | length }}|{{ m }}", "{}", "xy|1|<Macro 'm'>"),
                row("{% if true %}{% macro inner() %}in-if{% endmacro %}{% endif %}{{ inner() }}", "{}", "in-if"),
                row("{% macro outer() %}{% macro nested(x) %}<{{ x }}>{% endmacro %}{{ nested(1) }}{{ caller() }}{% endmacro %}{% call outer() %}c{% endcall %}", "{}", "<1>c"),
                row("{% macro m(a, b) %}{{ a }}|{{ b }}|{{ b is defined }}{% endmacro %}{{ m(1) }}", "{}", "1||False"),
                row("{% macro ns_set(ns) %}{% set ns.v = ns.v + 1 %}{% endmacro %}{% set n = namespace(v=1) %}{{ ns_set(n) }}{{ ns_set(n) }}{{ n.v }}", "{}", "3"));
    }

    @ParameterizedTest(name = "[{index}] {0}")
    @MethodSource("cases")
    void macrosLikeJinja2(String template, String variables, String expected) {
        assertThat(JinjaCases.outcome(template, variables)).isEqualTo(expected);
    }
}
