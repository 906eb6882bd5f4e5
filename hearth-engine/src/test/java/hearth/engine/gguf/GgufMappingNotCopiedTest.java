package hearth.engine.gguf;

import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import hearth.engine.TestData;
import hearth.engine.tensor.Tensor;
import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;
import java.lang.management.ManagementFactory;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;

/**
 * Tensor data stays in the file mapping: every tensor is a slice of a mapped, native segment, and opening the largest
 * test model and reading every byte of every tensor allocates only a small fraction of the file size on the heap.
 * Allocation is measured per thread (HotSpot's ThreadMXBean), which, unlike heap usage, does not depend on when the
 * garbage collector runs.
 */
class GgufMappingNotCopiedTest {
    private static final String LARGEST = "models/stories260K-pad256-F32.gguf";

    @Test
    void everyTensorIsASliceOfTheFileMapping() throws Exception {
        try (GgufFile g = GgufFile.open(TestData.require(LARGEST))) {
            for (String name : g.tensorInfos().keySet()) {
                MemorySegment data = g.tensor(name).data();
                assertThat(data.isNative()).as(name).isTrue();
                assertThat(data.isMapped()).as(name).isTrue();
                assertThat(data.heapBase()).as(name).isEmpty();
            }
        }
    }

    @Test
    void readingAllTensorsAllocatesFarLessThanTheFileSize() throws Exception {
        Path file = TestData.require(LARGEST);
        long fileSize = Files.size(file);
        assumeTrue(ManagementFactory.getThreadMXBean() instanceof com.sun.management.ThreadMXBean t && t.isThreadAllocatedMemoryEnabled(),
                "per-thread allocation counting is not available on this JVM");
        com.sun.management.ThreadMXBean threads = (com.sun.management.ThreadMXBean) ManagementFactory.getThreadMXBean();

        long warmChecksum = openAndReadEverything(file); // loads classes and warms up before measuring
        long before = threads.getCurrentThreadAllocatedBytes();
        long checksum = openAndReadEverything(file);
        long allocated = threads.getCurrentThreadAllocatedBytes() - before;
        assertThat(checksum).isEqualTo(warmChecksum);
        assertThat(allocated).as("bytes allocated while reading a %d-byte model", fileSize).isLessThan(fileSize / 8);

        // The measurement does see a heap copy: copying one tensor out allocates at least its size.
        try (GgufFile g = GgufFile.open(file)) {
            Tensor embd = g.tensor("token_embd.weight");
            long start = threads.getCurrentThreadAllocatedBytes();
            byte[] copy = embd.data().toArray(ValueLayout.JAVA_BYTE);
            assertThat(threads.getCurrentThreadAllocatedBytes() - start).isGreaterThanOrEqualTo(copy.length);
        }
    }

    /** Opens the file and reads every tensor byte, eight at a time; returns a checksum so the reads are not dead code. */
    private static long openAndReadEverything(Path file) throws Exception {
        long sum = 0;
        try (GgufFile g = GgufFile.open(file)) {
            for (String name : g.tensorInfos().keySet()) {
                MemorySegment data = g.tensor(name).data();
                long words = data.byteSize() / 8;
                for (long i = 0; i < words; i++) sum = sum * 31 + data.getAtIndex(ValueLayout.JAVA_LONG_UNALIGNED, i);
                for (long i = words * 8; i < data.byteSize(); i++) sum = sum * 31 + data.get(ValueLayout.JAVA_BYTE, i);
            }
        }
        return sum;
    }
}
