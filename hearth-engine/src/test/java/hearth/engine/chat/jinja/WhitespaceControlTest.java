package hearth.engine.chat.jinja;

import static hearth.engine.chat.jinja.JinjaCases.row;
import static org.assertj.core.api.Assertions.assertThat;

import java.util.stream.Stream;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * Whitespace handling of the lexer: trim_blocks, lstrip_blocks, {@code -} and {@code +} markers, comments, raw.
 * Expected outputs were produced by Python Jinja2 3.1.6 configured as Hugging Face transformers configures it;
 * a leading {@code !} marks an expected error ({@code !Kind: message}).
 */
class WhitespaceControlTest {

    static Stream<Arguments> cases() {
        return Stream.of(
                row("a\n{% if true %}\nb\n{% endif %}\nc", "{}", "a\nb\nc"),
                row("  {% if true %}x{% endif %}  ", "{}", "x  "),
                row("a  {%- if true -%}  b  {%- endif -%}  c", "{}", "abc"),
                row("a {{- ' x ' -}} c", "{}", "a x c"),
                row("a {{ 'b' -}}\n\n c", "{}", "a bc"),
                row("a\n  {# comment #}\nb", "{}", "a\nb"),
                row("a {#- comment -#} b", "{}", "ab"),
                row("  {%+ if true %}x{% endif %}", "{}", "  x"),
                row("{% raw %}{{ x }}{% if %}{% endraw %}", "{}", "{{ x }}{% if %}"),
                row("a\n  {%- raw -%}  {{ x }}  {%- endraw -%}  \nb", "{}", "a{{ x }}b"),
                row("x\n", "{}", "x"),
                row("x\n\n", "{}", "x\n"),
                row("  {{ 'v' }}  ", "{}", "  v  "),
                row("{{ 'a' }}\nb", "{}", "a\nb"),
                row("{% for i in [1, 2] %}\n  {{ i }}\n{% endfor %}\n", "{}", "  1\n  2\n"),
                row("a\r\n{% if true %}\r\nb\r\n{% endif %}\r\nc", "{}", "a\nb\nc"),
                row("{{ '}}' }}{{ \"%}\" }}", "{}", "}}%}"),
                row("{{ {'a': 1}['a'] }}", "{}", "1"),
                row("line1\n    {% set x = 1 %}\nline2", "{}", "line1\nline2"),
                row("\t {% if true %}\t\n{{ 'y' }}\n\t{% endif %}", "{}", "\t\ny\n"),
                row("{% if true %}  \nkeep\n{% endif %}", "{}", "  \nkeep\n"),
                row("a{% if true %}\n{% endif %}b", "{}", "ab"),
                row("{#- only a comment -#}\n\nx", "{}", "x"),
                row("text {% if true %}   {% endif %} more", "{}", "text     more"),
                row("{%- if true %}\n   \n{%- endif %}\nz", "{}", "z"),
                row("  {{- 'a' }}", "{}", "a"));
    }

    @ParameterizedTest(name = "[{index}] {0}")
    @MethodSource("cases")
    void stripsWhitespaceLikeJinja2(String template, String variables, String expected) {
        assertThat(JinjaCases.outcome(template, variables)).isEqualTo(expected);
    }
}
