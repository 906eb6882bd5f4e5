package hearth.server.cluster;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.List;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;
import org.junit.jupiter.params.provider.ValueSource;

class HostListTest {
    static List<Arguments> lists() {
        return List.of(
                Arguments.of("", List.of()),
                Arguments.of("cpu5", List.of("cpu5")),
                Arguments.of("vasp-01", List.of("vasp-01")),
                Arguments.of("a,b,c", List.of("a", "b", "c")),
                Arguments.of("gpu[01-03,07],cpu5", List.of("gpu01", "gpu02", "gpu03", "gpu07", "cpu5")),
                Arguments.of("vasp-[01-03]", List.of("vasp-01", "vasp-02", "vasp-03")),
                Arguments.of("n[8-11]", List.of("n8", "n9", "n10", "n11")),
                Arguments.of("n[08-11]", List.of("n08", "n09", "n10", "n11")),
                Arguments.of("n[098-101]", List.of("n098", "n099", "n100", "n101")),
                Arguments.of("n[7]", List.of("n7")),
                Arguments.of("n[007]", List.of("n007")),
                Arguments.of("n[1,3,5]", List.of("n1", "n3", "n5")),
                Arguments.of("n[3,1]", List.of("n3", "n1")),
                Arguments.of("rack[1-2]-node[01-02]", List.of("rack1-node01", "rack1-node02", "rack2-node01", "rack2-node02")),
                Arguments.of("r[1-2]n[1,3]x", List.of("r1n1x", "r1n3x", "r2n1x", "r2n3x")),
                Arguments.of("[1-2]a", List.of("1a", "2a")),
                Arguments.of("gh200-[1-2],login", List.of("gh200-1", "gh200-2", "login")),
                Arguments.of(" a[1-2] , b ", List.of("a1", "a2", "b")),
                Arguments.of("a b", List.of("a", "b")),
                Arguments.of("a,,b", List.of("a", "b")),
                Arguments.of("x[1-2],x[1-2]", List.of("x1", "x2", "x1", "x2")),
                Arguments.of("node.example.org", List.of("node.example.org")),
                Arguments.of("n[ 1 - 2 ]", List.of("n1", "n2")));
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("lists")
    void expandsCompressedListsInOrder(String list, List<String> hosts) {
        assertThat(HostList.expand(list)).containsExactlyElementsOf(hosts);
    }

    @ParameterizedTest(name = "{0}")
    @ValueSource(strings = {"n[1-2", "n1-2]", "n[[1]]", "n[]", "n[3-1]", "n[a-b]", "n[1,]", "n[-2]", "n[1-]",
            "n[1-99999999]", "a[1-300]b[1-300]", "n[1234567890123456789]"})
    void refusesMalformedLists(String list) {
        assertThatThrownBy(() -> HostList.expand(list)).isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining(list.strip());
    }

    @org.junit.jupiter.api.Test
    void treatsAMissingListAsEmpty() {
        assertThat(HostList.expand(null)).isEmpty();
    }

    @org.junit.jupiter.api.Test
    void expandsAThousandNodeRangeWithPadding() {
        List<String> hosts = HostList.expand("c[0001-1000]");
        assertThat(hosts).hasSize(1000).startsWith("c0001").endsWith("c1000").contains("c0999");
    }
}
