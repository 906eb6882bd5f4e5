package hearth.engine.chat.jinja;

import static hearth.engine.chat.jinja.JinjaCases.row;
import static org.assertj.core.api.Assertions.assertThat;

import java.util.stream.Stream;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * Built-in filters, including Hugging Face's {@code tojson}.
 * Expected outputs were produced by Python Jinja2 3.1.6 configured as Hugging Face transformers configures it;
 * a leading {@code !} marks an expected error ({@code !Kind: message}).
 */
class FilterTest {

    static Stream<Arguments> cases() {
        return Stream.of(
                row("{{ 'abc' | length }} {{ [1, 2] | count }} {{ {'a': 1} | length }} {{ x | length }}", "{}", "3 2 1 0"),
                row("{{ [1, 2, 3] | join(', ') }}|{{ ['a', 'b'] | join }}|{{ [{'n': 'x'}, {'n': 'y'}] | join('+', attribute='n') }}|{{ x | join(',') }}", "{}", "1, 2, 3|ab|x+y|"),
                row("{{ '  pad  ' | trim }}|{{ 'xxyxx' | trim('x') }}|{{ x | trim }}|{{ none | trim }}", "{}", "pad|y||None"),
                row("{{ x | default('d') }}|{{ '' | default('d') }}|{{ '' | default('d', true) }}|{{ none | default('d') }}|{{ none | d('d', boolean=true) }}|{{ 0 | default(5, true) }}", "{}", "d||d|None|d|5"),
                row("{{ v | tojson }}", "{\"v\": {\"s\": \"\\u00e9\\\"\\\\\\n\\t/<>&'\", \"i\": 1, \"f\": 1.5, \"b\": true, \"n\": null, \"l\": [1, [2, {}]], \"e\": {}}}", "{\"s\": \"\u00e9\\\"\\\\\\n\\t/<>&'\", \"i\": 1, \"f\": 1.5, \"b\": true, \"n\": null, \"l\": [1, [2, {}]], \"e\": {}}"),
                row("{{ v | tojson(indent=2) }}", "{\"v\": {\"a\": [1, {\"b\": null}], \"c\": {}, \"d\": []}}", "{\n  \"a\": [\n    1,\n    {\n      \"b\": null\n    }\n  ],\n  \"c\": {},\n  \"d\": []\n}"),
                row("{{ v | tojson(indent=4, sort_keys=true) }}|{{ v | tojson(separators=(',', ':')) }}|{{ v | tojson(ensure_ascii=true) }}", "{\"v\": {\"z\": \"\\u00fc\", \"a\": [1, 2]}}", "{\n    \"a\": [\n        1,\n        2\n    ],\n    \"z\": \"\u00fc\"\n}|{\"z\":\"\u00fc\",\"a\":[1,2]}|{\"z\": \"\\u00fc\", \"a\": [1, 2]}"),
                row("{{ {1: 'a', true: 'b', none: 'c', 2.5: 'd'} | tojson }} {{ (1, 'x') | tojson }} {{ 'str' | tojson }} {{ 1e100 | tojson }} {{ none | tojson }}", "{}", "{\"1\": \"b\", \"null\": \"c\", \"2.5\": \"d\"} [1, \"x\"] \"str\" 1e+100 null"),
                row("{{ {'a': 1, 'B': 2, 'c': 3} | dictsort }} {{ {'b': 1, 'a': 2} | dictsort(reverse=true) }} {{ {'x': 2, 'y': 1} | dictsort(by='value') }}", "{}", "[('a', 1), ('B', 2), ('c', 3)] [('b', 1), ('a', 2)] [('y', 1), ('x', 2)]"),
                row("{% for k, v in {'b': 1, 'a': 2} | items %}{{ k }}{{ v }}{% endfor %}|{{ {'a': 1} | items | list }}|{{ x | items | list }}", "{}", "b1a2|[('a', 1)]|[]"),
                row("{{ [3, 1, 2] | first }} {{ [3, 1, 2] | last }} {{ 'abc' | first }} {{ [] | first }}|{{ [3, 1, 2] | sort }} {{ ['b', 'A', 'c'] | sort }} {{ ['b', 'A', 'c'] | sort(case_sensitive=true) }} {{ [1, 3, 2] | sort(reverse=true) }}", "{}", "3 2 a |[1, 2, 3] ['A', 'b', 'c'] ['A', 'b', 'c'] [3, 2, 1]"),
                row("{{ [{'n': 2}, {'n': 1}] | sort(attribute='n') | map(attribute='n') | list }} {{ [1, 2, 3] | reverse | list }} {{ 'abc' | reverse }} {{ [3, 1] | max }} {{ [3, 1] | min }} {{ [1, 2, 3] | sum }} {{ [] | max }}", "{}", "[1, 2] [3, 2, 1] cba 3 1 6 "),
                row("{{ 'Hello World' | upper }} {{ 'Hello World' | lower }} {{ 'hello wORLD-foo (bar' | title }} {{ 'hello World' | capitalize }} {{ 'a b  c' | wordcount }} {{ 'x' | center(5) }}|", "{}", "HELLO WORLD hello world Hello World-Foo (Bar Hello world 3   x  |"),
                row("{{ 'a-b-c' | replace('-', '+') }} {{ 'aaa' | replace('a', 'b', 2) }} {{ x | replace('a', 'b') }}|{{ 42 | string }} {{ [1] | string }} {{ none | string }}", "{}", "a+b+c bba |42 [1] None"),
                row("{{ '42' | int }} {{ '4.7' | int }} {{ 'x' | int }} {{ 'x' | int(7) }} {{ 3.9 | int }} {{ '0x1A' | int(base=16) }} {{ '3.5' | float }} {{ 'y' | float }} {{ 2 | float }} {{ true | int }}", "{}", "42 4 0 7 3 26 3.5 0.0 2.0 1"),
                row("{{ 2.5 | round }} {{ 3.5 | round }} {{ 2.675 | round(2) }} {{ 2.1 | round(method='ceil') }} {{ 2.9 | round(0, 'floor') }} {{ 7 | round }} {{ -4 | abs }} {{ -4.5 | abs }}", "{}", "2.0 4.0 2.67 3.0 2.0 7 4 4.5"),
                row("{{ 'a\\nb\\n\\nc' | indent }}|{{ 'a\\nb' | indent(2, true) }}|{{ 'a\\n\\nb' | indent(2, blank=true) }}|{{ 'x\\ny' | indent('> ') }}", "{}", "a\n    b\n\n    c|  a\n  b|a\n  \n  b|x\n> y"),
                row("{{ [1, 2, 3, 4] | select('odd') | list }} {{ [1, 2, 3, 4] | reject('odd') | list }} {{ [0, 1, '', 'a'] | select | list }} {{ [1, 5, 3] | select('>', 2) | list }}", "{}", "[1, 3] [2, 4] [1, 'a'] [5, 3]"),
                row("{{ users | selectattr('admin') | map(attribute='name') | list }} {{ users | rejectattr('admin') | map(attribute='name') | list }} {{ users | selectattr('name', 'equalto', 'b') | list | length }} {{ users | selectattr('role', 'defined') | list | length }}", "{\"users\": [{\"name\": \"a\", \"admin\": true, \"role\": \"x\"}, {\"name\": \"b\", \"admin\": false}]}", "['a'] ['b'] 1 1"),
                row("{{ users | map(attribute='missing', default='?') | list }} {{ ['a', 'b'] | map('upper') | list }} {{ ['a b'] | map('replace', ' ', '_') | list }} {{ [1.5] | map('int') | join }}", "{\"users\": [{\"name\": \"a\"}]}", "['?'] ['A', 'B'] ['a_b'] 1"),
                row("{{ ['a', 'A', 'b', 'a'] | unique | list }} {{ ['a', 'A'] | unique(case_sensitive=true) | list }} {{ [{'t': 1}, {'t': 1}, {'t': 2}] | unique(attribute='t') | list }}", "{}", "['a', 'b'] ['a', 'A'] [{'t': 1}, {'t': 2}]"),
                row("{{ 'abc' | list }} {{ {'k': 1, 'j': 2} | list }} {{ (1, 2) | list }} {{ x | list }}", "{}", "['a', 'b', 'c'] ['k', 'j'] [1, 2] []"),
                row("{{ '<p>Hi &amp; <b>there</b></p>  <!-- c -->  x' | striptags }}|{{ 'a long sentence here' | truncate(9) }}|{{ 'a long sentence here' | truncate(9, true) }}|{{ 'short' | truncate(9) }}", "{}", "Hi & there x|a...|a long...|short"),
                row("{{ '%s-%s' | format('a', 'b') }} {{ '%(x)s' | format(x=1) }} {{ {'a': 1} | attr('a') }}|{{ {'a': 1} | attr('items') is defined }}", "{}", "a-b 1 |True"),
                row("{{ [1, 2, 3, 4, 5] | batch(2) | list }} {{ [1, 2, 3] | batch(2, 'x') | list }} {{ [1, 2, 3, 4, 5] | slice(2) | list }} {{ '<b>' | escape }} {{ 'x' | pprint }}", "{}", "[[1, 2], [3, 4], [5]] [[1, 2], [3, 'x']] [[1, 2, 3], [4, 5]] &lt;b&gt; 'x'"),
                row("{% filter upper %}inside {{ 'filter' }}{% endfilter %}|{% filter trim | replace(' ', '_') %}  a b  {% endfilter %}", "{}", "INSIDE FILTER|a_b"));
    }

    @ParameterizedTest(name = "[{index}] {0}")
    @MethodSource("cases")
    void filtersLikeJinja2(String template, String variables, String expected) {
        assertThat(JinjaCases.outcome(template, variables)).isEqualTo(expected);
    }
}
