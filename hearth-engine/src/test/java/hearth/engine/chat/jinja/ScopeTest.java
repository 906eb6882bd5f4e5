package hearth.engine.chat.jinja;

import static hearth.engine.chat.jinja.JinjaCases.row;
import static org.assertj.core.api.Assertions.assertThat;

import java.util.stream.Stream;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * Assignments and scoping: {@code set} in loops, ifs and macros, block set, namespaces, {@code with}.
 * Expected outputs were produced by Python Jinja2 3.1.6 configured as Hugging Face transformers configures it;
 * a leading {@code !} marks an expected error ({@code !Kind: message}).
 */
class ScopeTest {

    static Stream<Arguments> cases() {
        return Stream.of(
                row("{% set x = 1 %}{% for i in [1] %}{% set x = 2 %}{{ x }}{% endfor %}{{ x }}", "{}", "21"),
                row("{% if true %}{% set x = 'leaks' %}{% endif %}{{ x }}", "{}", "leaks"),
                row("{% set ns = namespace(count=0, found=false) %}{% for i in [1, 2, 3] %}{% set ns.count = ns.count + i %}{% if i == 2 %}{% set ns.found = true %}{% endif %}{% endfor %}{{ ns.count }} {{ ns.found }} {{ ns.missing }}|{{ ns }}", "{}", "6 True |<Namespace {'count': 6, 'found': True}>"),
                row("{% set ns = namespace(interval=none) %}{{ ns.interval is none }}{% set ns.interval = 5 %}{{ ns.interval }}{{ ns['interval'] }}", "{}", "True55"),
                row("{% set ns = namespace() %}{% set ns.index = 0 %}{{ ns.index }}{% set ns2 = namespace({'a': 1}, b=2) %}{{ ns2.a }}{{ ns2.b }}", "{}", "012"),
                row("{% set a, b = 1, 2 %}{{ a }}{{ b }}{% set t = 1, %}{{ t }}", "{}", "12(1,)"),
                row("{% set block %}  text {{ 1 + 1 }}  {% endset %}[{{ block }}]{% set trimmed | trim | upper %}  text  {% endset %}[{{ trimmed }}]", "{}", "[  text 2  ][TEXT]"),
                row("{% with a = 1, b = 2 %}{{ a + b }}{% set c = 3 %}{% endwith %}{{ a }}{{ c }}", "{}", "3"),
                row("{% set x = 1 %}{% set x.y = 2 %}", "{}", "!TemplateRuntimeError: cannot assign attribute on non-namespace object"),
                row("{% set messages = messages[1:] %}{{ messages | length }}", "{\"messages\": [1, 2, 3]}", "2"),
                row("{% set tools = tools if tools is defined else [] %}{{ tools | length }}", "{}", "0"),
                row("{% set l = [1] %}{{ l.append(2) }}", "{}", "!SecurityError: access to attribute 'append' of 'list' object is unsafe."),
                row("{% set d = {'a': 1} %}{{ d.update({'b': 2}) }}", "{}", "!SecurityError: access to attribute 'update' of 'dict' object is unsafe."),
                row("{% set d = {'a': 1} %}{{ d.pop('a') }}", "{}", "!SecurityError: access to attribute 'pop' of 'dict' object is unsafe."),
                row("{% set l = [1] %}{% set l = l + [2] %}{{ l }}{{ [3, 1].index(1) }}{{ [1, 1].count(1) }}", "{}", "[1, 2]12"));
    }

    @ParameterizedTest(name = "[{index}] {0}")
    @MethodSource("cases")
    void scopesLikeJinja2(String template, String variables, String expected) {
        assertThat(JinjaCases.outcome(template, variables)).isEqualTo(expected);
    }
}
