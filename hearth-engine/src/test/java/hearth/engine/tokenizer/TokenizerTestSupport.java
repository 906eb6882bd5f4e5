package hearth.engine.tokenizer;

import hearth.engine.TestData;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;

/** Loads test vocabularies once per JVM and reads llama.cpp's .inp/.out tokenizer vectors. */
final class TokenizerTestSupport {
    private TokenizerTestSupport() {}

    private static final Map<Path, Tokenizer> CACHE = new ConcurrentHashMap<>();

    /** The tokenizer of a GGUF under the testdata root (skips the test when the file is absent). */
    static Tokenizer tokenizer(String relative) {
        Path p = TestData.require(relative);
        return CACHE.computeIfAbsent(p, TokenizerTestSupport::load);
    }

    static Tokenizer load(Path p) {
        try {
            return Tokenizer.fromGguf(p);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** One test string and the ids llama.cpp gives it. */
    record Vector(int index, String text, int[] ids) {
    }

    /** Test strings follow each other, each ended by the separator; the .out file has one id line per string. */
    static List<Vector> vectors(Path inp, Path out) throws IOException {
        String all = Files.readString(inp, StandardCharsets.UTF_8);
        String[] texts = all.split("\n__ggml_vocab_test__\n", -1);
        List<String> lines = Files.readAllLines(out, StandardCharsets.UTF_8);
        int count = texts.length - 1; // the part after the last separator is empty
        if (!texts[count].isEmpty() || lines.size() != count) {
            throw new IllegalStateException(inp + ": " + count + " strings but " + lines.size() + " id lines");
        }
        List<Vector> v = new ArrayList<>(count);
        for (int i = 0; i < count; i++) {
            String line = lines.get(i).strip();
            int[] ids = line.isEmpty() ? new int[0] : Arrays.stream(line.split("\\s+")).mapToInt(Integer::parseInt).toArray();
            v.add(new Vector(i, texts[i], ids));
        }
        return v;
    }

    /** A string with control and non-ASCII characters escaped, for failure messages. */
    static String escape(String s) {
        StringBuilder b = new StringBuilder();
        s.codePoints().forEach(c -> {
            if (c < 0x20 || c > 0x7E) b.append(String.format("\\u{%X}", c));
            else b.appendCodePoint(c);
        });
        return b.toString();
    }
}
