package hearth.server.cluster;

/**
 * One GPU as {@code nvidia-smi --query-gpu=index,name,memory.total,memory.used} reports it.
 *
 * @param memoryTotalMiB total memory in MiB (0 when the driver reports none, e.g. {@code [N/A]})
 * @param memoryUsedMiB  memory other processes hold now, in MiB
 */
public record Gpu(int index, String name, long memoryTotalMiB, long memoryUsedMiB) {
    public long memoryFreeMiB() {
        return Math.max(0, memoryTotalMiB - memoryUsedMiB);
    }
}
