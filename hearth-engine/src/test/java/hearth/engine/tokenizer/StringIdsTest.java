package hearth.engine.tokenizer;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.HashMap;
import java.util.Map;
import java.util.Random;
import org.junit.jupiter.api.Test;

class StringIdsTest {
    @Test
    void duplicatesMapToTheirLastOrFirstIndexAsAsked() {
        String[] keys = {"a", "b", "a", "c", "b"};
        StringIds last = new StringIds(keys, null, true), first = new StringIds(keys, null, false);
        assertThat(last.get("a")).isEqualTo(2);
        assertThat(last.get("b")).isEqualTo(4);
        assertThat(first.get("a")).isEqualTo(0);
        assertThat(first.get("b")).isEqualTo(1);
        assertThat(last.size()).isEqualTo(3);
        assertThat(last.get("d")).isEqualTo(-1);
        assertThat(last.get("")).isEqualTo(-1);
    }

    @Test
    void excludedKeysAreAbsent() {
        StringIds ids = new StringIds(new String[] {"x", "y", "z"}, new boolean[] {true, false, true}, false);
        assertThat(ids.get("x")).isZero();
        assertThat(ids.get("y")).isEqualTo(-1);
        assertThat(ids.get("z")).isEqualTo(2);
        assertThat(ids.size()).isEqualTo(2);
    }

    @Test
    void agreesWithAHashMapOnManyKeysIncludingEqualHashCodes() {
        Random rnd = new Random(3);
        String[] keys = new String[50_000];
        for (int i = 0; i < keys.length; i++) {
            // "Aa" and "BB" share a hash code: runs of them collide on purpose
            keys[i] = i % 7 == 0 ? (rnd.nextBoolean() ? "Aa" : "BB").repeat(1 + rnd.nextInt(4)) : Integer.toString(rnd.nextInt(40_000), 36);
        }
        Map<String, Integer> expected = new HashMap<>();
        for (int i = 0; i < keys.length; i++) expected.put(keys[i], i);
        StringIds ids = new StringIds(keys, null, true);
        assertThat(ids.size()).isEqualTo(expected.size());
        expected.forEach((k, v) -> assertThat(ids.get(k)).as(k).isEqualTo(v));
        assertThat(ids.get("not-a-key")).isEqualTo(-1);
    }
}
