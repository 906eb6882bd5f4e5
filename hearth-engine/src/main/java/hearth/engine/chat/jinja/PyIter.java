package hearth.engine.chat.jinja;

import java.util.Iterator;

/**
 * A one-shot Python iterator such as the generator returned by {@code map}, {@code select} or {@code items}: it can be
 * iterated once, is always true, has no length and is not JSON serialisable.
 */
final class PyIter {
    private final String typeName;
    private final Iterator<Object> it;

    PyIter(String typeName, Iterator<Object> it) {
        this.typeName = typeName;
        this.it = it;
    }

    static PyIter generator(Iterator<Object> it) {
        return new PyIter("generator", it);
    }

    String typeName() {
        return typeName;
    }

    Iterator<Object> iterator() {
        return it;
    }
}
