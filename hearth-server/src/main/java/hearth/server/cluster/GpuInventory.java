package hearth.server.cluster;

import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Locale;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;

/**
 * The GPUs this process may use, found with {@code nvidia-smi}, and the defaults that follow from them: layer
 * split proportions for llama-server and a memory fraction for vLLM/SGLang.
 *
 * @param note why the list is empty when detection failed (no nvidia-smi, error), else empty
 */
public record GpuInventory(List<Gpu> gpus, String note) {
    /** The query the parser expects; {@code nounits} gives memory as plain MiB. */
    public static final List<String> QUERY = List.of("--query-gpu=index,name,memory.total,memory.used",
            "--format=csv,noheader,nounits");

    public GpuInventory {
        gpus = List.copyOf(gpus);
        note = note == null ? "" : note;
    }

    public static GpuInventory none(String why) {
        return new GpuInventory(List.of(), why);
    }

    /** Parses the CSV lines {@code 0, NVIDIA L40S, 46068, 1}; blank lines are skipped, malformed ones refused. */
    public static GpuInventory parse(String csv) {
        List<Gpu> gpus = new ArrayList<>();
        for (String line : csv.split("\\R")) {
            if (line.isBlank()) continue;
            String[] f = line.split(",");
            if (f.length < 4) throw new IllegalArgumentException("nvidia-smi line with " + f.length + " fields: " + line);
            // a GPU name may itself hold commas: the last two fields are memory, the first the index
            String name = String.join(",", java.util.Arrays.copyOfRange(f, 1, f.length - 2)).strip();
            gpus.add(new Gpu(integer(f[0], line), name, mib(f[f.length - 2]), mib(f[f.length - 1])));
        }
        return new GpuInventory(gpus, gpus.isEmpty() ? "nvidia-smi listed no GPUs" : "");
    }

    /** Runs {@code command} with {@link #QUERY}; an absent or failing command gives an empty inventory. */
    public static GpuInventory detect(String command, Duration timeout) {
        List<String> argv = new ArrayList<>(List.of(command));
        argv.addAll(QUERY);
        Process p;
        try {
            p = new ProcessBuilder(argv).redirectErrorStream(true).start();
        } catch (IOException e) {
            return none(command + " not found: no GPUs");
        }
        // read on the side: a hung driver call must not block past the timeout
        CompletableFuture<byte[]> output = new CompletableFuture<>();
        Thread.ofVirtual().start(() -> {
            try (InputStream in = p.getInputStream()) {
                output.complete(in.readNBytes(1 << 20));
            } catch (IOException e) {
                output.completeExceptionally(e);
            }
        });
        try {
            if (!p.waitFor(timeout.toMillis(), TimeUnit.MILLISECONDS)) {
                p.destroyForcibly();
                return none(command + " did not answer within " + timeout.toMillis() + " ms");
            }
            String text = new String(output.get(5, TimeUnit.SECONDS), StandardCharsets.UTF_8);
            if (p.exitValue() != 0) return none(command + " failed (exit " + p.exitValue() + "): " + text.strip());
            return parse(text);
        } catch (ExecutionException | TimeoutException | IllegalArgumentException e) {
            p.destroyForcibly();
            return none(command + ": " + e.getMessage());
        } catch (InterruptedException e) {
            p.destroyForcibly();
            Thread.currentThread().interrupt();
            return none(command + " interrupted");
        }
    }

    /**
     * Only the GPUs named by {@code CUDA_VISIBLE_DEVICES} (as SLURM sets it) when it lists indices that all exist;
     * UUIDs or unknown indices leave the list as it is.
     */
    public GpuInventory visible(String cudaVisibleDevices) {
        if (cudaVisibleDevices == null || cudaVisibleDevices.isBlank()) return this;
        Set<Integer> wanted = new HashSet<>();
        for (String s : cudaVisibleDevices.split(",")) {
            s = s.strip();
            if (s.isEmpty() || !s.chars().allMatch(Character::isDigit)) return this;
            wanted.add(Integer.parseInt(s));
        }
        List<Gpu> kept = gpus.stream().filter(g -> wanted.contains(g.index())).toList();
        return kept.size() == wanted.size() ? new GpuInventory(kept, note) : this;
    }

    public int count() {
        return gpus.size();
    }

    public long totalMiB() {
        return gpus.stream().mapToLong(Gpu::memoryTotalMiB).sum();
    }

    /**
     * {@code --tensor-split} proportions from each GPU's total memory in GiB, divided by their common divisor:
     * four equal cards give {@code 1,1,1,1}, a 24 GiB and a 48 GiB card {@code 1,2}. Empty for fewer than two GPUs.
     */
    public String tensorSplit() {
        if (gpus.size() < 2) return "";
        long[] gib = gpus.stream().mapToLong(g -> Math.max(1, Math.round(g.memoryTotalMiB() / 1024.0))).toArray();
        long d = 0;
        for (long g : gib) d = gcd(d, g);
        StringBuilder sb = new StringBuilder();
        for (long g : gib) sb.append(sb.isEmpty() ? "" : ",").append(g / d);
        return sb.toString();
    }

    /**
     * A GPU memory fraction for vLLM's {@code --gpu-memory-utilization} (SGLang's {@code --mem-fraction-static}):
     * {@code preferred}, lowered when other processes already hold memory so that the engine does not fail at start
     * (the smallest free share minus 5 points), never below 0.10.
     */
    public double memoryFraction(double preferred) {
        double fraction = preferred;
        for (Gpu g : gpus) {
            if (g.memoryTotalMiB() <= 0) continue;
            double free = (double) g.memoryFreeMiB() / g.memoryTotalMiB() - 0.05;
            fraction = Math.min(fraction, free);
        }
        return Math.max(0.10, Math.floor(fraction * 100) / 100);
    }

    /** One line for the start log: {@code 4 GPUs: NVIDIA L40S 45.0 GiB ×4}. */
    public String describe() {
        if (gpus.isEmpty()) return "no GPUs" + (note.isEmpty() ? "" : " (" + note + ")");
        StringBuilder sb = new StringBuilder().append(gpus.size()).append(gpus.size() == 1 ? " GPU:" : " GPUs:");
        for (Gpu g : gpus) {
            sb.append(String.format(Locale.ROOT, " [%d] %s %.1f GiB (%.1f used)", g.index(), g.name(),
                    g.memoryTotalMiB() / 1024.0, g.memoryUsedMiB() / 1024.0));
        }
        return sb.toString();
    }

    private static long gcd(long a, long b) {
        return b == 0 ? a : gcd(b, a % b);
    }

    private static int integer(String s, String line) {
        try {
            return Integer.parseInt(s.strip());
        } catch (NumberFormatException e) {
            throw new IllegalArgumentException("nvidia-smi GPU index is not a number: " + line);
        }
    }

    /** {@code [N/A]}, {@code [Not Supported]} and other non-numbers read as 0. */
    private static long mib(String s) {
        s = s.strip();
        try {
            return Math.round(Double.parseDouble(s));
        } catch (NumberFormatException e) {
            return 0;
        }
    }
}
