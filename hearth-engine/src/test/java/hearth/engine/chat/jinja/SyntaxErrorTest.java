package hearth.engine.chat.jinja;

import static hearth.engine.chat.jinja.JinjaCases.row;
import static org.assertj.core.api.Assertions.assertThat;

import java.util.stream.Stream;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * Malformed templates are refused at compile time with Jinja2's exception kind and message.
 * Expected outputs were produced by Python Jinja2 3.1.6 configured as Hugging Face transformers configures it;
 * a leading {@code !} marks an expected error ({@code !Kind: message}).
 */
class SyntaxErrorTest {

    static Stream<Arguments> cases() {
        return Stream.of(
                row("{% for x in y %}", "{}", "!TemplateSyntaxError: Unexpected end of template. Jinja was looking for the following tags: 'endfor' or 'else'. The innermost block that needs to be closed is 'for'."),
                row("{% foo %}", "{}", "!TemplateSyntaxError: Encountered unknown tag 'foo'."),
                row("{% endif %}", "{}", "!TemplateSyntaxError: Encountered unknown tag 'endif'."),
                row("{% else %}", "{}", "!TemplateSyntaxError: Encountered unknown tag 'else'."),
                row("{% if x %}{% endfor %}", "{}", "!TemplateSyntaxError: Encountered unknown tag 'endfor'. Jinja was looking for the following tags: 'elif' or 'else' or 'endif'. The innermost block that needs to be closed is 'if'."),
                row("{% if x %}{% for y in z %}{% endif %}{% endfor %}", "{}", "!TemplateSyntaxError: Encountered unknown tag 'endif'. You probably made a nesting mistake. Jinja is expecting this tag, but currently looking for 'endfor' or 'else'. The innermost block that needs to be closed is 'for'."),
                row("{% for x in y %}{% if z %}", "{}", "!TemplateSyntaxError: Unexpected end of template. Jinja was looking for the following tags: 'elif' or 'else' or 'endif'. The innermost block that needs to be closed is 'if'."),
                row("{% macro m() %}{% foo %}{% endmacro %}", "{}", "!TemplateSyntaxError: Encountered unknown tag 'foo'. Jinja was looking for the following tags: 'endmacro'. The innermost block that needs to be closed is 'macro'."),
                row("{{ x | nofilter }}", "{}", "!TemplateAssertionError: No filter named 'nofilter'."),
                row("{{ x is notatest }}", "{}", "!TemplateAssertionError: No test named 'notatest'."),
                row("{{ (1 }}", "{}", "!TemplateSyntaxError: unexpected '}', expected ')'"),
                row("{{ 1 ]}}", "{}", "!TemplateSyntaxError: unexpected ']'"),
                row("a\n\n{% if %}", "{}", "!TemplateSyntaxError: Expected an expression, got 'end of statement block'"),
                row("{{ \"abc }}", "{}", "!TemplateSyntaxError: unexpected char '\"' at 3"),
                row("{# unterminated", "{}", "!TemplateSyntaxError: Missing end of comment tag"),
                row("{{ x", "{}", "!TemplateSyntaxError: unexpected end of template, expected 'end of print statement'."),
                row("{% set 1 = 2 %}", "{}", "!TemplateSyntaxError: can't assign to 'const'"),
                row("{% macro m(a=1, b) %}{% endmacro %}", "{}", "!TemplateSyntaxError: non-default argument follows default argument"),
                row("{{ }}", "{}", "!TemplateSyntaxError: Expected an expression, got 'end of print statement'"),
                row("{{ x.(1) }}", "{}", "!TemplateSyntaxError: expected name or number"),
                row("{% for in y %}{% endfor %}", "{}", "!TemplateSyntaxError: expected token 'in', got 'y'"),
                row("{{ 1 is == 1 }}", "{}", "!TemplateSyntaxError: expected token 'name', got '=='"));
    }

    @ParameterizedTest(name = "[{index}] {0}")
    @MethodSource("cases")
    void refusesMalformedTemplatesLikeJinja2(String template, String variables, String expected) {
        assertThat(JinjaCases.outcome(template, variables)).isEqualTo(expected);
    }
}
