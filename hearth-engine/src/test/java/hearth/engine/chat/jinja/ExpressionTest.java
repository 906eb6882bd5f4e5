package hearth.engine.chat.jinja;

import static hearth.engine.chat.jinja.JinjaCases.row;
import static org.assertj.core.api.Assertions.assertThat;

import java.util.stream.Stream;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * Expression semantics: literals, operators and precedence, comparisons, Python printing of values, slicing.
 * Expected outputs were produced by Python Jinja2 3.1.6 configured as Hugging Face transformers configures it;
 * a leading {@code !} marks an expected error ({@code !Kind: message}).
 */
class ExpressionTest {

    static Stream<Arguments> cases() {
        return Stream.of(
                row("{{ 1 + 2 * 3 }} {{ (1 + 2) * 3 }} {{ 2 ** 3 ** 2 }} {{ 7 // 2 }} {{ -7 // 2 }} {{ 7 % 3 }} {{ -7 % 3 }} {{ 7 / 2 }} {{ 6 / 3 }}", "{}", "7 9 64 3 -4 1 2 3.5 2.0"),
                row("{{ 'a' ~ 1 ~ none ~ true }} {{ 'ab' * 3 }} {{ 3 * 'x' }} {{ [1] * 2 }} {{ [1, 2] + [3] }}", "{}", "a1NoneTrue ababab xxx [1, 1] [1, 2, 3]"),
                row("{{ 1 + 2 ~ 3 }}|{{ 'x' ~ 2 * 3 }}", "{}", "!TypeError: unsupported operand type(s) for +: 'int' and 'str'"),
                row("{{ not [] | length }}|{{ not 'abc' | length }}|{{ -3 | abs }}", "{}", "True|False|3"),
                row("{{ none }} {{ true }} {{ false }} {{ True }} {{ [1, 'a', none, true, 1.5] }} {{ {'k': 'v', 1: [2]} }} {{ (1,) }} {{ (1, 'b') }}", "{}", "None True False True [1, 'a', None, True, 1.5] {'k': 'v', 1: [2]} (1,) (1, 'b')"),
                row("{{ 0.1 + 0.2 }} {{ 1e20 }} {{ 1e16 }} {{ 1e15 }} {{ 0.0001 }} {{ 0.00001 }} {{ 2.0 }} {{ -0.0 }} {{ 1/3 }} {{ 3.0e-7 }}", "{}", "0.30000000000000004 1e+20 1e+16 1000000000000000.0 0.0001 1e-05 2.0 -0.0 0.3333333333333333 3e-07"),
                row("{{ \"it's\" }} {{ ['it\\'s', 'say \"hi\"', 'both \\' \"', 'tab\\there', 'nl\\n', '\\\\'] }}", "{}", "it's [\"it's\", 'say \"hi\"', 'both \\' \"', 'tab\\there', 'nl\\n', '\\\\']"),
                row("{{ 'a' if x else 'b' }}|{{ 'a' if not x }}|{{ 'c' if y else 'd' }}", "{\"y\": 1}", "b|a|c"),
                row("{{ 1 < 2 < 3 }} {{ 3 > 2 > 2 }} {{ 1 == 1.0 }} {{ true == 1 }} {{ 'a' != 'b' }} {{ [1, 2] < [1, 3] }} {{ 'B' < 'a' }}", "{}", "True False True True True True True"),
                row("{{ 'b' in 'abc' }} {{ 'z' not in 'abc' }} {{ 2 in [1, 2] }} {{ 'k' in {'k': 1} }} {{ 1.0 in [1] }} {{ '' in 'x' }}", "{}", "True True True True True True"),
                row("{{ x and 'yes' }}|{{ x or 'fallback' }}|{{ 0 or '' or [] }}|{{ 1 and 2 }}", "{\"x\": \"\"}", "|fallback|[]|2"),
                row("{{ 'abcdef'[1:3] }} {{ 'abcdef'[::-1] }} {{ 'abcdef'[-2:] }} {{ 'abcdef'[:-2] }} {{ 'abcdef'[::2] }} {{ 'abcdef'[10:] }} {{ 'abcdef'[-100:2] }}", "{}", "bc fedcba ef abcd ace  ab"),
                row("{{ [1, 2, 3, 4][1:] }} {{ [1, 2, 3, 4][::-1] }} {{ [1, 2, 3, 4][-3:-1] }} {{ [1, 2, 3, 4][3:1:-1] }} {{ (1, 2, 3)[1:] }}", "{}", "[2, 3, 4] [4, 3, 2, 1] [2, 3] [4, 3] (2, 3)"),
                row("{{ items[0] }} {{ items[-1] }} {{ items.1 }} {{ items[5] }}|{{ 'h\u00e9llo'[1] }}", "{\"items\": [\"a\", \"b\", \"c\"]}", "a c b |\u00e9"),
                row("{{ d.a }} {{ d['b'] }} {{ d.missing }}|{{ d['missing'] }}|{{ d.get('a') }} {{ d.get('zz', 'def') }} {{ d.get('zz') }}", "{\"d\": {\"a\": 1, \"b\": 2}}", "1 2 ||1 def None"),
                row("{% for k, v in d.items() %}{{ k }}={{ v }};{% endfor %} {{ d.keys() | list }} {{ d.values() | list }} {{ d.items() | list }}", "{\"d\": {\"a\": 1, \"b\": [2]}}", "a=1;b=[2]; ['a', 'b'] [1, [2]] [('a', 1), ('b', [2])]"),
                row("{{ d }}", "{\"d\": {\"text\": \"it's \\\"quoted\\\"\", \"n\": null, \"f\": 1.0, \"nested\": {\"l\": [true, false]}}}", "{'text': 'it\\'s \"quoted\"', 'n': None, 'f': 1.0, 'nested': {'l': [True, False]}}"),
                row("{{ ' a b '.strip() }}|{{ 'xxhixx'.strip('x') }}|{{ '  a'.lstrip() }}|{{ 'a  '.rstrip() }}|{{ 'a\\n\\n'.rstrip('\\n') }}|{{ '\\n\\nb'.lstrip('\\n') }}", "{}", "a b|hi|a|a|a|b"),
                row("{{ 'a,b,,c'.split(',') }} {{ ' a  b '.split() }} {{ 'a b c'.split(' ', 1) }} {{ 'a</think>b</think>c'.split('</think>')[-1] }} {{ 'a.b.c'.rsplit('.', 1) }}", "{}", "['a', 'b', '', 'c'] ['a', 'b'] ['a', 'b c'] c ['a.b', 'c']"),
                row("{{ 'Hello'.upper() }} {{ 'Hello'.lower() }} {{ 'hello world'.title() }} {{ \"they're bill's\".title() }} {{ 'hELLO'.capitalize() }} {{ 'aXb'.swapcase() }}", "{}", "HELLO hello Hello World They'Re Bill'S Hello AxB"),
                row("{{ 'abc'.startswith('ab') }} {{ 'abc'.endswith('bc') }} {{ 'abc'.startswith(('x', 'a')) }} {{ 'abc'.replace('b', 'B') }} {{ 'aaa'.replace('a', 'b', 2) }} {{ 'abcabc'.find('c') }} {{ 'abc'.count('') }}", "{}", "True True True aBc bba 2 4"),
                row("{{ '-'.join(['a', 'b']) }} {{ '{} and {}'.format(1, 'x') }} {{ '{0}{1}{0}'.format('a', 'b') }} {{ '{name}!'.format(name='N') }} {{ '{:>5}|{:<4}|{:^5}|{:.2f}|{:05d}'.format('r', 'l', 'c', 3.14159, 42) }}", "{}", "a-b 1 and x aba N!     r|l   |  c  |3.14|00042"),
                row("{{ '%s is %d' % ('x', 3) }} {{ '%05.1f|%-4s|%x' % (2.345, 'ab', 255) }} {{ '%(a)s' % {'a': 'named'} }}", "{}", "x is 3 002.3|ab  |ff named"),
                row("{{ 'abc'.center(9, '*') }}|{{ '12'.zfill(5) }}|{{ 'a:b:c'.partition(':') }}|{{ 'line1\\nline2\\r\\nline3'.splitlines() }}|{{ 'x'.isdigit() }}{{ '12'.isdigit() }}", "{}", "***abc***|00012|('a', ':', 'b:c')|['line1', 'line2', 'line3']|FalseTrue"),
                row("{{ 'text' | safe + '<b>' }}|{{ '<b>' + 'x' | safe }}|{{ ('<i>' | safe) ~ '<b>' }}|{{ '<&\\'\">' | e }}", "{}", "text&lt;b&gt;|&lt;b&gt;x|<i><b>|&lt;&amp;&#39;&#34;&gt;"),
                row("{{ [1, 2] == [1, 2] }} {{ [1, 2] == (1, 2) }} {{ {'a': 1, 'b': 2} == {'b': 2, 'a': 1} }} {{ none == none }} {{ x == y }}", "{}", "True False True True True"),
                row("{% set d = {0: 'zero', 512: 'big'} %}{{ d[0] }} {{ d[512] }} {{ d[0.0] }} {{ d[false] }}", "{}", "zero big zero zero"),
                row("{{ range(3) | list }} {{ range(1, 7, 2) | list }} {{ range(5, 0, -2) | list }} {{ dict(a=1, b='x') }}", "{}", "[0, 1, 2] [1, 3, 5] [5, 3, 1] {'a': 1, 'b': 'x'}"),
                row("{{ strftime_now('%Y-%m-%d %H:%M:%S|%B %d, %Y|%b %-d|%a %A|%I %p|%j|%y') }}", "{}", "2025-07-26 12:00:00|July 26, 2025|Jul 26|Sat Saturday|12 PM|207|25"),
                row("{{ messages[0].role }}{{ messages[1:] | length }}", "{\"messages\": [{\"role\": \"system\"}, {\"role\": \"user\"}]}", "system1"),
                row("{{ 'abc'['x'] }}|{{ none.attr }}|{{ 5.real }}|{{ [1][0:] }}", "{}", "||5|[1]"),
                row("{{ x.content.content is defined }} {{ x.content.upper() }}", "{\"x\": {\"content\": \"str\"}}", "False STR"),
                row("{{ 'a' ~ undefined_name ~ 'b' }}|{{ undefined_name }}|{% if undefined_name %}t{% else %}f{% endif %}|{{ undefined_name.x if undefined_name is defined }}", "{}", "ab||f|"),
                row("{{ 'a' 'b' \"c\" }} {{ 1_000 + 0x10 + 0o7 + 0b11 }} {{ 1.5e3 }} {{ 2.5E-3 }} {{ '\\u00e9\\x41\\101\\n'|length }} {{ 'tab\\there' }}", "{}", "abc 1026 1500.0 0.0025 4 tab\there"),
                row("{{ s[1] }} {{ s | length }} {{ s[::-1] }} {{ s | tojson }} {{ s | tojson(ensure_ascii=true) }} {{ [s] }} {{ ['\\x01', '\\u200b', '\u00e9'] }}", "{\"s\": \"a\\ud83d\\ude00b\"}", "\ud83d\ude00 3 b\ud83d\ude00a \"a\ud83d\ude00b\" \"a\\ud83d\\ude00b\" ['a\ud83d\ude00b'] ['\\x01', '\\u200b', '\u00e9']"),
                row("{{ 1.0 * 3 }} {{ 10 / 4 }} {{ 2 ** -1 }} {{ 2 ** 0.5 }} {{ 2 ** 62 }} {{ 1 ** 1000000000000 }} {{ (-1) ** 1000000000001 }} {{ 3 ** 39 }} {{ 1e300 * 10 }} {{ -1e300 * 10 }} {{ 3 - 1.5 }} {{ true + true }} {{ 7.5 // 2 }} {{ -7.5 % 2 }}", "{}", "3.0 2.5 0.5 1.4142135623730951 4611686018427387904 1 -1 4052555153018976267 1e+301 -1e+301 1.5 2 3.0 0.5"),
                row("{{ '%.2f|%5.1f|%e|%g|%g|%r' % (1.005, 2.25, 12345.678, 0.0001234, 123456789.0, 'x') }}", "{}", "1.00|  2.2|1.234568e+04|0.0001234|1.23457e+08|'x'"),
                row("{{ '{:,}|{:.3}|{:+d}|{!r}|{:%}|{:x}'.format(1234567, 3.14159, 5, 'q', 0.25, 255) }}", "{}", "1,234,567|3.14|+5|'q'|25.000000%|ff"),
                row("{{ messages | selectattr('role', 'equalto', 'system') | first }}|{{ (messages | selectattr('role', 'in', ['user', 'x']) | list)[0].content }}|{{ messages | map(attribute='role') | join(',') }}", "{\"messages\": [{\"role\": \"system\", \"content\": \"S\"}, {\"role\": \"user\", \"content\": \"U\"}]}", "{'role': 'system', 'content': 'S'}|U|system,user"),
                row("{{ 'tool_calls' in m }} {{ 'x' in m }} {{ m.tool_calls[0].function.arguments | tojson }} {{ m['tool_calls'][0]['function']['name'] }}", "{\"m\": {\"tool_calls\": [{\"function\": {\"name\": \"f\", \"arguments\": {\"a\": 1}}}]}}", "True False {\"a\": 1} f"));
    }

    @ParameterizedTest(name = "[{index}] {0}")
    @MethodSource("cases")
    void evaluatesLikePython(String template, String variables, String expected) {
        assertThat(JinjaCases.outcome(template, variables)).isEqualTo(expected);
    }
}
