package hearth.engine.chat.jinja;

import java.util.List;

/** Result of {@code dict.items()/keys()/values()}: iterable, sized, but not JSON serialisable. */
record DictView(String typeName, List<Object> items) { }
