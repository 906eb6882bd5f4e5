package hearth.server.cluster;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.time.Duration;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class GpuInventoryTest {
    static final String FOUR_L40S = """
            0, NVIDIA L40S, 46068, 1
            1, NVIDIA L40S, 46068, 1
            2, NVIDIA L40S, 46068, 1
            3, NVIDIA L40S, 46068, 1
            """;

    @Test
    void parsesNvidiaSmiCsvWithoutUnits() {
        GpuInventory inv = GpuInventory.parse(FOUR_L40S);
        assertThat(inv.count()).isEqualTo(4);
        assertThat(inv.gpus().getFirst()).isEqualTo(new Gpu(0, "NVIDIA L40S", 46068, 1));
        assertThat(inv.totalMiB()).isEqualTo(4 * 46068L);
        assertThat(inv.note()).isEmpty();
    }

    @Test
    void keepsCommasInsideGpuNamesAndReadsNotAvailableAsZero() {
        GpuInventory inv = GpuInventory.parse("0, NVIDIA GH200 480GB, rev 2, [N/A], [N/A]\r\n\r\n");
        assertThat(inv.gpus()).containsExactly(new Gpu(0, "NVIDIA GH200 480GB, rev 2", 0, 0));
    }

    @Test
    void refusesLinesThatAreNotTheQuery() {
        assertThatThrownBy(() -> GpuInventory.parse("0, NVIDIA L40S")).isInstanceOf(IllegalArgumentException.class);
        assertThatThrownBy(() -> GpuInventory.parse("GPU 0, x, 1, 2")).hasMessageContaining("not a number");
    }

    @Test
    void equalCardsSplitEvenlyAndUnequalOnesByMemory() {
        assertThat(GpuInventory.parse(FOUR_L40S).tensorSplit()).isEqualTo("1,1,1,1");
        assertThat(GpuInventory.parse("0, A, 24576, 0\n1, B, 49152, 0\n").tensorSplit()).isEqualTo("1,2");
        assertThat(GpuInventory.parse("0, V100S, 32768, 0\n1, L40S, 46068, 0\n").tensorSplit()).isEqualTo("32,45");
        assertThat(GpuInventory.parse("0, one, 81920, 0\n").tensorSplit()).isEmpty();
    }

    @Test
    void memoryFractionDropsWhenOtherProcessesHoldMemory() {
        assertThat(GpuInventory.parse(FOUR_L40S).memoryFraction(0.90)).isEqualTo(0.90);
        // 28708 of 32768 MiB in use: 12.4 % free - 5 points -> 0.07, floored at 0.10
        assertThat(GpuInventory.parse("0, V100S, 32768, 28708\n").memoryFraction(0.90)).isEqualTo(0.10);
        // half used -> 0.45
        assertThat(GpuInventory.parse("0, H100, 81920, 40960\n1, H100, 81920, 0\n").memoryFraction(0.90)).isEqualTo(0.45);
        assertThat(GpuInventory.none("x").memoryFraction(0.85)).isEqualTo(0.85);
    }

    @Test
    void cudaVisibleDevicesSelectsTheJobsGpus() {
        GpuInventory inv = GpuInventory.parse(FOUR_L40S);
        assertThat(inv.visible("1,3").gpus()).extracting(Gpu::index).containsExactly(1, 3);
        assertThat(inv.visible("").count()).isEqualTo(4);
        assertThat(inv.visible("GPU-8a7b").count()).isEqualTo(4);
        assertThat(inv.visible("7").count()).isEqualTo(4);
    }

    @Test
    void detectRunsNvidiaSmiWithTheDocumentedQuery(@TempDir Path dir) throws IOException {
        Path args = dir.resolve("args");
        Path smi = script(dir, "nvidia-smi", "echo \"$@\" > " + args + "\nprintf '0, NVIDIA H200, 143771, 0\\n'\n");
        GpuInventory inv = GpuInventory.detect(smi.toString(), Duration.ofSeconds(10));
        assertThat(inv.gpus()).containsExactly(new Gpu(0, "NVIDIA H200", 143771, 0));
        assertThat(Files.readString(args).strip())
                .isEqualTo("--query-gpu=index,name,memory.total,memory.used --format=csv,noheader,nounits");
    }

    @Test
    void aMissingOrFailingNvidiaSmiMeansNoGpus(@TempDir Path dir) throws IOException {
        GpuInventory missing = GpuInventory.detect(dir.resolve("absent").toString(), Duration.ofSeconds(5));
        assertThat(missing.count()).isZero();
        assertThat(missing.note()).contains("not found");
        Path failing = script(dir, "smi-fail", "echo 'NVIDIA-SMI has failed because it could not communicate with the NVIDIA driver'\nexit 9\n");
        GpuInventory failed = GpuInventory.detect(failing.toString(), Duration.ofSeconds(5));
        assertThat(failed.count()).isZero();
        assertThat(failed.note()).contains("exit 9").contains("could not communicate");
        assertThat(failed.describe()).startsWith("no GPUs");
    }

    @Test
    void aHangingNvidiaSmiIsGivenUpAfterTheTimeout(@TempDir Path dir) throws IOException {
        Path hanging = script(dir, "smi-hang", "exec sleep 30\n");
        long t0 = System.nanoTime();
        GpuInventory inv = GpuInventory.detect(hanging.toString(), Duration.ofMillis(300));
        assertThat(inv.count()).isZero();
        assertThat(inv.note()).contains("did not answer");
        assertThat(Duration.ofNanos(System.nanoTime() - t0)).isLessThan(Duration.ofSeconds(10));
    }

    static Path script(Path dir, String name, String body) throws IOException {
        Path p = dir.resolve(name);
        Files.writeString(p, "#!/bin/sh\n" + body);
        Files.setPosixFilePermissions(p, PosixFilePermissions.fromString("rwxr-xr-x"));
        return p;
    }
}
