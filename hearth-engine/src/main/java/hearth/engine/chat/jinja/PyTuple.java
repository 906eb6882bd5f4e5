package hearth.engine.chat.jinja;

import java.util.List;

/** A Python tuple: like a list in most uses, but printed with parentheses and unequal to a list. */
record PyTuple(List<Object> items) {

    static PyTuple of(Object... items) {
        return new PyTuple(java.util.Arrays.asList(items));
    }
}
