package hearth.engine.gguf;

import hearth.engine.tensor.Tensor;
import java.io.IOException;
import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;
import java.nio.channels.FileChannel;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.ArrayList;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * A GGUF model memory-mapped read-only with FFM. Tensor data is never copied: {@link #tensor} returns slices of the
 * mapping. A file named {@code NAME-00001-of-0000N.gguf} is opened together with its other N-1 splits as one model
 * (metadata from the first split, tensors from all). Closing unmaps every split.
 */
public final class GgufFile implements AutoCloseable {
    private static final Pattern SPLIT = Pattern.compile("^(.*)-(\\d{5})-of-(\\d{5})\\.gguf$");

    private final Arena arena;
    private final List<Path> paths;
    private final List<MemorySegment> dataSections;
    private final GgufMetadata metadata;
    private final Map<String, TensorInfo> tensors;
    private final int version;
    private final long totalBytes;

    private GgufFile(Arena arena, List<Path> paths, List<MemorySegment> dataSections, GgufMetadata metadata,
                     Map<String, TensorInfo> tensors, int version, long totalBytes) {
        this.arena = arena;
        this.paths = paths;
        this.dataSections = dataSections;
        this.metadata = metadata;
        this.tensors = tensors;
        this.version = version;
        this.totalBytes = totalBytes;
    }

    /** Opens {@code path}, and its sibling splits when the name has the {@code -0000k-of-0000n} form. */
    public static GgufFile open(Path path) throws IOException {
        List<Path> paths = splitPaths(path);
        Arena arena = Arena.ofShared();
        try {
            GgufMetadata metadata = null;
            int version = 0;
            long total = 0;
            Map<String, TensorInfo> tensors = new LinkedHashMap<>();
            List<MemorySegment> data = new ArrayList<>();
            for (int split = 0; split < paths.size(); split++) {
                Path p = paths.get(split);
                MemorySegment whole = map(p, arena);
                total += whole.byteSize();
                GgufReader.Header h = GgufReader.read(p.toString(), whole, split);
                if (split == 0) {
                    metadata = h.metadata();
                    version = h.version();
                }
                if (h.dataOffset() > whole.byteSize()) {
                    throw new GgufFormatException(p + ": truncated: the data section would start at byte " + h.dataOffset() + " but the file has " + whole.byteSize());
                }
                MemorySegment section = whole.asSlice(h.dataOffset());
                for (TensorInfo t : h.tensors()) {
                    long end = t.offset() + t.bytes();
                    if (end > section.byteSize()) {
                        throw new GgufFormatException(p + ": truncated tensor data: tensor '" + t.name() + "' (" + t.type() + ", " + t.bytes()
                                + " bytes) ends at byte " + (h.dataOffset() + end) + " but the file has " + whole.byteSize() + " bytes");
                    }
                    if (tensors.put(t.name(), t) != null) throw new GgufFormatException(p + ": duplicate tensor '" + t.name() + "'");
                }
                data.add(section);
            }
            checkSplitCount(paths, metadata);
            return new GgufFile(arena, List.copyOf(paths), List.copyOf(data), metadata, Collections.unmodifiableMap(tensors), version, total);
        } catch (RuntimeException | IOException e) {
            arena.close();
            throw e;
        }
    }

    private static MemorySegment map(Path p, Arena arena) throws IOException {
        try (FileChannel ch = FileChannel.open(p, StandardOpenOption.READ)) {
            long size = ch.size();
            if (size == 0) throw new GgufFormatException(p + ": file is empty");
            return ch.map(FileChannel.MapMode.READ_ONLY, 0, size, arena);
        }
    }

    static List<Path> splitPaths(Path path) throws IOException {
        if (!Files.isRegularFile(path)) throw new java.nio.file.NoSuchFileException(path.toString(), null, "model file not found");
        Matcher m = SPLIT.matcher(path.getFileName().toString());
        if (!m.matches()) return List.of(path);
        int count = Integer.parseInt(m.group(3));
        if (count < 1) throw new GgufFormatException(path + ": split count 0 in file name");
        List<Path> paths = new ArrayList<>(count);
        for (int i = 1; i <= count; i++) {
            Path p = path.resolveSibling(String.format("%s-%05d-of-%05d.gguf", m.group(1), i, count));
            if (!Files.isRegularFile(p)) throw new GgufFormatException(path + ": split " + i + " of " + count + " is missing (" + p.getFileName() + ")");
            paths.add(p);
        }
        return paths;
    }

    private static void checkSplitCount(List<Path> paths, GgufMetadata metadata) {
        if (metadata.has("split.count") && metadata.getInt("split.count") != paths.size()) {
            throw new GgufFormatException(paths.getFirst() + ": split.count is " + metadata.getInt("split.count") + " but " + paths.size() + " files were found");
        }
    }

    public GgufMetadata metadata() {
        return metadata;
    }

    public Map<String, TensorInfo> tensorInfos() {
        return tensors;
    }

    public boolean hasTensor(String name) {
        return tensors.containsKey(name);
    }

    /** The named tensor as a view into the mapping; a {@link GgufFormatException} if it is absent. */
    public Tensor tensor(String name) {
        TensorInfo t = tensors.get(name);
        if (t == null) throw new GgufFormatException(paths.getFirst() + ": missing tensor '" + name + "'");
        return new Tensor(t.name(), t.type(), t.shape(), dataSections.get(t.split()).asSlice(t.offset(), t.bytes()));
    }

    public int version() {
        return version;
    }

    public List<Path> paths() {
        return paths;
    }

    /** Sum of the sizes of all split files, in bytes. */
    public long fileBytes() {
        return totalBytes;
    }

    @Override
    public void close() {
        arena.close();
    }
}
