package hearth.engine.gguf;

import hearth.engine.tensor.GgmlType;
import hearth.engine.tensor.Tensor;
import java.io.IOException;
import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;
import java.nio.channels.FileChannel;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Collections;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.TreeMap;
import java.util.stream.Collectors;

/**
 * A GGUF model memory-mapped read-only with FFM. Tensor data is never copied: {@link #tensor} returns slices of the
 * mapping. A file named {@code NAME-00001-of-0000N.gguf} is opened together with its other N-1 splits as one model
 * (metadata from the first split, tensors from all; see {@link GgufSplits}). Closing unmaps every split; tensors
 * obtained earlier must not be used afterwards (access then fails with IllegalStateException, it does not crash).
 */
public final class GgufFile implements AutoCloseable {
    private final Arena arena;
    private final List<Path> paths;
    private final List<MemorySegment> dataSections;
    private final GgufMetadata metadata;
    private final Map<String, TensorInfo> tensors;
    private final int version;
    private final int alignment;
    private final long totalBytes;

    private GgufFile(Arena arena, List<Path> paths, List<MemorySegment> dataSections, GgufReader.Header first,
                     Map<String, TensorInfo> tensors, long totalBytes) {
        this.arena = arena;
        this.paths = paths;
        this.dataSections = dataSections;
        this.metadata = first.metadata();
        this.version = first.version();
        this.alignment = first.alignment();
        this.tensors = tensors;
        this.totalBytes = totalBytes;
    }

    /**
     * Opens {@code path}, and its sibling splits when the name has the {@code -0000k-of-0000n} form.
     *
     * @throws java.nio.file.NoSuchFileException if the file does not exist
     * @throws GgufFormatException if it (or a split) is not a usable GGUF file; the message names the file and problem
     */
    public static GgufFile open(Path path) throws IOException {
        List<Path> paths = GgufSplits.paths(path);
        Arena arena = Arena.ofShared();
        try {
            GgufReader.Header first = null;
            long total = 0;
            Map<String, TensorInfo> tensors = new LinkedHashMap<>();
            List<MemorySegment> data = new ArrayList<>();
            for (int split = 0; split < paths.size(); split++) {
                Path p = paths.get(split);
                MemorySegment whole = map(p, arena);
                total += whole.byteSize();
                GgufReader.Header h = GgufReader.read(p.toString(), whole, split);
                if (split == 0) first = h;
                GgufSplits.checkSplitKeys(p, h.metadata(), split, paths.size());
                MemorySegment section = dataSection(p, whole, h);
                for (TensorInfo t : h.tensors()) {
                    checkInBounds(p, whole, h, section, t);
                    TensorInfo earlier = tensors.putIfAbsent(t.name(), t);
                    if (earlier != null) {
                        throw new GgufFormatException(p + ": duplicate tensor '" + t.name() + "' (also in " + paths.get(earlier.split()).getFileName() + ")");
                    }
                }
                data.add(section);
            }
            GgufSplits.checkTensorCount(paths.getFirst(), first.metadata(), tensors.size());
            return new GgufFile(arena, List.copyOf(paths), List.copyOf(data), first, Collections.unmodifiableMap(tensors), total);
        } catch (RuntimeException | IOException | Error e) {
            arena.close();
            throw e;
        }
    }

    private static MemorySegment map(Path p, Arena arena) throws IOException {
        try (FileChannel ch = FileChannel.open(p, StandardOpenOption.READ)) {
            long size = ch.size();
            if (size == 0) throw new GgufFormatException(p + ": file is empty (0 bytes), not a GGUF file");
            return ch.map(FileChannel.MapMode.READ_ONLY, 0, size, arena);
        }
    }

    /** The data section; a file without tensors (e.g. a vocabulary-only GGUF) may end before the aligned start. */
    private static MemorySegment dataSection(Path p, MemorySegment whole, GgufReader.Header h) {
        if (h.dataOffset() <= whole.byteSize()) return whole.asSlice(h.dataOffset());
        if (h.tensors().isEmpty()) return whole.asSlice(whole.byteSize());
        throw new GgufFormatException(p + ": truncated: the tensor data section (first tensor '" + h.tensors().getFirst().name()
                + "') would start at byte " + h.dataOffset()
                + " but the file has only " + whole.byteSize() + " bytes");
    }

    private static void checkInBounds(Path p, MemorySegment whole, GgufReader.Header h, MemorySegment section, TensorInfo t) {
        long bytes = t.bytes();
        if (t.offset() > section.byteSize() || bytes > section.byteSize() - t.offset()) {
            throw new GgufFormatException(p + ": truncated tensor data: tensor '" + t.name() + "' (" + t.type() + " " + t.shapeString() + ", "
                    + bytes + " bytes) ends at byte " + (h.dataOffset() + t.offset() + bytes) + " but the file has only " + whole.byteSize() + " bytes");
        }
    }

    public GgufMetadata metadata() {
        return metadata;
    }

    /** All tensors of all splits, in file order. */
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

    /**
     * The named tensor, checked to have {@code expectedShape} (ggml order, row length first). A model loader uses
     * this so that a file of the wrong model fails with a message naming the tensor and both shapes.
     */
    public Tensor tensor(String name, long... expectedShape) {
        Tensor t = tensor(name);
        if (!Arrays.equals(t.shape(), expectedShape)) {
            throw new GgufFormatException(paths.getFirst() + ": tensor '" + name + "' has shape " + t.shapeString()
                    + " but the model needs shape " + Arrays.toString(expectedShape));
        }
        return t;
    }

    public int version() {
        return version;
    }

    /** Alignment of tensor data in bytes ({@code general.alignment}, default 32). */
    public int alignment() {
        return alignment;
    }

    public List<Path> paths() {
        return paths;
    }

    /** Sum of the sizes of all split files, in bytes. */
    public long fileBytes() {
        return totalBytes;
    }

    /** Number of tensors per type, ordered by type name (the order of the test-data README). */
    public Map<GgmlType, Integer> tensorTypeCounts() {
        Map<GgmlType, Integer> counts = new TreeMap<>(Comparator.comparing(GgmlType::name));
        for (TensorInfo t : tensors.values()) counts.merge(t.type(), 1, Integer::sum);
        return Collections.unmodifiableMap(counts);
    }

    /** Total number of tensor elements (weights). */
    public long parameterCount() {
        long n = 0;
        for (TensorInfo t : tensors.values()) n += t.elements();
        return n;
    }

    /**
     * One line for humans, e.g. {@code stories260K.gguf: GGUF v3, arch llama, 48 tensors (F32×48), 292.8K parameters,
     * 1.13 MiB, 19 metadata keys}.
     */
    public String describe() {
        String types = tensorTypeCounts().entrySet().stream()
                .map(e -> e.getKey() + "×" + e.getValue())
                .collect(Collectors.joining(", "));
        StringBuilder sb = new StringBuilder();
        sb.append(paths.getFirst().getFileName());
        if (paths.size() > 1) sb.append(" (").append(paths.size()).append(" splits)");
        sb.append(": GGUF v").append(version);
        sb.append(", arch ").append(metadata.string("general.architecture").orElse("unknown"));
        metadata.string("general.name").ifPresent(n -> sb.append(", name \"").append(n).append('"'));
        sb.append(", ").append(tensors.size()).append(tensors.size() == 1 ? " tensor" : " tensors");
        if (!types.isEmpty()) sb.append(" (").append(types).append(')');
        sb.append(", ").append(humanCount(parameterCount())).append(" parameters");
        sb.append(", ").append(humanBytes(totalBytes));
        sb.append(", ").append(metadata.asMap().size()).append(" metadata keys");
        return sb.toString();
    }

    static String humanCount(long n) {
        if (n < 1000) return Long.toString(n);
        String[] units = {"K", "M", "B", "T"};
        double v = n;
        int u = -1;
        while (v >= 1000 && u < units.length - 1) {
            v /= 1000;
            u++;
        }
        return String.format(Locale.ROOT, "%.1f%s", v, units[u]);
    }

    static String humanBytes(long n) {
        if (n < 1024) return n + " B";
        String[] units = {"KiB", "MiB", "GiB", "TiB"};
        double v = n;
        int u = -1;
        while (v >= 1024 && u < units.length - 1) {
            v /= 1024;
            u++;
        }
        return String.format(Locale.ROOT, "%.2f %s", v, units[u]);
    }

    @Override
    public void close() {
        arena.close();
    }
}
