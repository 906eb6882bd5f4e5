package hearth.server.backend.launch;

import java.util.ArrayList;
import java.util.List;

/** An argv under construction: options are added only when they have a value. */
final class Args {
    private final List<String> argv = new ArrayList<>();

    Args(List<String> head) {
        argv.addAll(head);
    }

    Args add(String... words) {
        argv.addAll(List.of(words));
        return this;
    }

    /** {@code flag value} when value is non-null and non-empty. */
    Args opt(String flag, Object value) {
        if (value != null && !value.toString().isEmpty()) {
            argv.add(flag);
            argv.add(value.toString());
        }
        return this;
    }

    /** {@code flag=value} (Ray's spelling) when value is non-null and non-empty. */
    Args eq(String flag, Object value) {
        if (value != null && !value.toString().isEmpty()) argv.add(flag + "=" + value);
        return this;
    }

    Args flag(String flag, boolean on) {
        if (on) argv.add(flag);
        return this;
    }

    Args all(List<String> words) {
        argv.addAll(words);
        return this;
    }

    List<String> build() {
        return List.copyOf(argv);
    }
}
