package hearth.engine.chat.jinja;

import static hearth.engine.chat.jinja.JinjaCases.row;
import static org.assertj.core.api.Assertions.assertThat;

import java.util.stream.Stream;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * {@code for} loops: the loop variable, else branch, loop filters, unpacking, loop controls, recursion.
 * Expected outputs were produced by Python Jinja2 3.1.6 configured as Hugging Face transformers configures it;
 * a leading {@code !} marks an expected error ({@code !Kind: message}).
 */
class LoopTest {

    static Stream<Arguments> cases() {
        return Stream.of(
                row("{% for x in 'abc' %}{{ loop.index }}{{ loop.index0 }}{{ loop.revindex }}{{ loop.revindex0 }}{{ loop.first }}{{ loop.last }}{{ loop.length }} {% endfor %}", "{}", "1032TrueFalse3 2121FalseFalse3 3210FalseTrue3 "),
                row("{% for x in [1, 2, 3] %}[{{ loop.previtem }}|{{ x }}|{{ loop.nextitem }}]{% endfor %}", "{}", "[|1|2][1|2|3][2|3|]"),
                row("{% for x in [] %}body{% else %}empty{% endfor %}|{% for x in [1] %}body{% else %}empty{% endfor %}|{% for x in y %}a{% else %}undef{% endfor %}", "{}", "empty|body|undef"),
                row("{% for x in range(10) if x is odd %}{{ x }}/{{ loop.index }}/{{ loop.length }} {% endfor %}", "{}", "1/1/5 3/2/5 5/3/5 7/4/5 9/5/5 "),
                row("{% for k, v in [('a', 1), ('b', 2)] %}{{ k }}{{ v }}{% endfor %}|{% for (a, b) in [[1, 2]] %}{{ a + b }}{% endfor %}|{% for k in {'x': 1, 'y': 2} %}{{ k }}{% endfor %}", "{}", "a1b2|3|xy"),
                row("{% for x in range(10) %}{% if x == 2 %}{% continue %}{% endif %}{% if x == 5 %}{% break %}{% endif %}{{ x }}{% endfor %}", "{}", "0134"),
                row("{% for i in [1, 2] %}{% for j in 'ab' %}{{ i }}{{ j }}{{ loop.index }}{% endfor %}:{{ loop.index }} {% endfor %}", "{}", "1a11b2:1 2a12b2:2 "),
                row("{% for x in [1, 2, 3] %}{{ loop.cycle('odd', 'even') }}{% if loop.changed(x > 1) %}!{% endif %} {% endfor %}", "{}", "odd! even! odd "),
                row("{% for item in tree recursive %}{{ item.name }}{% if item.children %}({{ loop(item.children) }}){% endif %}{{ loop.depth }} {% endfor %}", "{\"tree\": [{\"name\": \"a\", \"children\": [{\"name\": \"b\", \"children\": []}, {\"name\": \"c\"}]}, {\"name\": \"d\"}]}", "a(b2 c2 )1 d1 "),
                row("{% for m in messages %}{% set content = m.content %}{{ content }}{% endfor %}[{{ content }}]", "{\"messages\": [{\"content\": \"x\"}, {\"content\": \"y\"}]}", "xy[]"),
                row("{% for x in [1, 2] %}{% if loop.first %}{% set first = x %}{% endif %}{{ first }},{% endfor %}", "{}", "1,,"),
                row("{% for m in messages[::-1] %}{{ (messages | length - 1) - loop.index0 }}{{ m }}{% endfor %}", "{\"messages\": [\"a\", \"b\", \"c\"]}", "2c1b0a"),
                row("{% for x in none %}{% endfor %}", "{}", "!TypeError: 'NoneType' object is not iterable"),
                row("{% for x in [none, 1, none] %}{{ loop.previtem is none }}{{ loop.previtem is defined }}{{ loop.nextitem is none }} {% endfor %}", "{}", "FalseFalseFalse TrueTrueTrue FalseTrueFalse "),
                row("{% for a, b in [[1, 2, 3]] %}{% endfor %}", "{}", "!ValueError: too many values to unpack (expected 2)"),
                row("{% for x in 5 %}{% endfor %}", "{}", "!TypeError: 'int' object is not iterable"),
                row("{% for i in [1] %}{% for j in [2] %}{{ loop.depth0 }}{{ loop.depth }}{% endfor %}{% endfor %}|{% for x in [1, 2, 3] %}{% if x > 1 %}{{ loop.index }}{% endif %}{% endfor %}", "{}", "01|23"),
                row("{%- for message in messages if message.role != 'system' %}{{ loop.index0 }}:{{ message.role }}{{ ',' if not loop.last }}{% endfor %}", "{\"messages\": [{\"role\": \"system\"}, {\"role\": \"user\"}, {\"role\": \"assistant\"}]}", "0:user,1:assistant"),
                row("{% for m in msgs %}{% if loop.previtem and loop.previtem.role != m.role %}|{% endif %}{{ m.role }}{% endfor %}", "{\"msgs\": [{\"role\": \"a\"}, {\"role\": \"a\"}, {\"role\": \"b\"}]}", "aa|b"));
    }

    @ParameterizedTest(name = "[{index}] {0}")
    @MethodSource("cases")
    void loopsLikeJinja2(String template, String variables, String expected) {
        assertThat(JinjaCases.outcome(template, variables)).isEqualTo(expected);
    }
}
