package hearth.engine.gguf;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Naming and consistency rules of split models as llama.cpp's gguf-split writes them: files
 * {@code PREFIX-00001-of-0000N.gguf} .. {@code PREFIX-0000N-of-0000N.gguf}; the first holds all model metadata, every
 * split holds {@code split.no} (0-based, uint16), {@code split.count} (uint16) and {@code split.tensors.count}
 * (int32, the tensors of the whole model).
 */
public final class GgufSplits {
    public static final String KEY_NO = "split.no";
    public static final String KEY_COUNT = "split.count";
    public static final String KEY_TENSORS_COUNT = "split.tensors.count";

    private static final Pattern SPLIT = Pattern.compile("^(.*)-(\\d{5})-of-(\\d{5})\\.gguf$");

    private GgufSplits() {}

    /** File name of split {@code no} (1-based, as in the name) of {@code count}. */
    public static String fileName(String prefix, int no, int count) {
        return String.format("%s-%05d-of-%05d.gguf", prefix, no, count);
    }

    /** Whether the file name has the split form. */
    public static boolean isSplitName(Path path) {
        return SPLIT.matcher(path.getFileName().toString()).matches();
    }

    /** {@code path} alone, or all splits of the model it belongs to, in order; every one must exist. */
    static List<Path> paths(Path path) throws IOException {
        checkReadableFile(path);
        Matcher m = SPLIT.matcher(path.getFileName().toString());
        if (!m.matches()) return List.of(path);
        int count = Integer.parseInt(m.group(3));
        int no = Integer.parseInt(m.group(2));
        if (count < 1 || no < 1 || no > count) {
            throw new GgufFormatException(path + ": file name says split " + no + " of " + count + ", which is impossible");
        }
        List<Path> paths = new ArrayList<>(count);
        for (int i = 1; i <= count; i++) {
            Path p = path.resolveSibling(fileName(m.group(1), i, count));
            if (!Files.exists(p)) {
                throw new GgufFormatException(path + ": split " + i + " of " + count + " is missing (" + p.getFileName() + " not found)");
            }
            checkReadableFile(p);
            paths.add(p);
        }
        return paths;
    }

    private static void checkReadableFile(Path p) throws IOException {
        if (Files.isDirectory(p)) throw new GgufFormatException(p + ": is a directory, not a GGUF file");
        if (!Files.exists(p)) throw new NoSuchFileException(p.toString(), null, "GGUF file not found");
    }

    /**
     * Checks the split keys of split {@code index} (0-based) of {@code count} files against the file names. Files
     * without split keys are accepted (a plain single file, or splits written by a tool that omits them).
     */
    static void checkSplitKeys(Path p, GgufMetadata md, int index, int count) {
        if (md.has(KEY_COUNT)) {
            long declared = md.getLong(KEY_COUNT);
            if (declared != count) {
                String why = count == 1 && declared > 1
                        ? "the file name lacks the -0000k-of-0000n.gguf form, so the other splits cannot be found"
                        : count + " split files were found by name";
                throw new GgufFormatException(p + ": " + KEY_COUNT + " is " + declared + " but " + why);
            }
        }
        if (md.has(KEY_NO) && md.getLong(KEY_NO) != index) {
            throw new GgufFormatException(p + ": " + KEY_NO + " is " + md.getLong(KEY_NO) + " but the file name says split " + (index + 1)
                    + " of " + count + " (" + KEY_NO + " " + index + ")");
        }
    }

    /** Checks the model-wide tensor count declared by the first split. */
    static void checkTensorCount(Path first, GgufMetadata md, int found) {
        if (md.has(KEY_TENSORS_COUNT) && md.getLong(KEY_TENSORS_COUNT) != found) {
            throw new GgufFormatException(first + ": " + KEY_TENSORS_COUNT + " is " + md.getLong(KEY_TENSORS_COUNT) + " but the splits hold "
                    + found + " tensors");
        }
    }
}
