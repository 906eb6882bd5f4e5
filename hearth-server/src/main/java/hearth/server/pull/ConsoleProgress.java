package hearth.server.pull;

import java.io.PrintStream;
import java.nio.file.Path;
import java.util.List;
import java.util.Locale;
import java.util.concurrent.atomic.AtomicLong;

/**
 * A progress bar for pulls on stderr: one redrawn line on a terminal (at most ~8 redraws a second), a line per
 * tenth on a pipe or log, and a line per finished file and warning either way.
 */
public final class ConsoleProgress implements PullListener {
    private static final int WIDTH = 30;
    private static final long REDRAW_NANOS = 125_000_000L;

    private final PrintStream out;
    private final boolean terminal;
    private final AtomicLong done = new AtomicLong();
    private volatile long total;
    private volatile long resumed;
    private volatile long startNanos;
    private volatile long lastDraw;
    private volatile int lastTenth = -1;
    private boolean lineOpen;

    public ConsoleProgress(PrintStream out, boolean terminal) {
        this.out = out;
        this.terminal = terminal;
    }

    /** On stderr, redrawing in place when a console is attached. */
    public static ConsoleProgress stderr() {
        return new ConsoleProgress(System.err, System.console() != null);
    }

    @Override
    public void started(RepoRef ref, String commit, List<RepoFile> files, long totalBytes, long resumedBytes) {
        total = totalBytes;
        resumed = resumedBytes;
        startNanos = System.nanoTime();
        long all = files.stream().mapToLong(RepoFile::size).sum();
        synchronized (this) {
            out.printf("pulling %s (commit %s): %d file%s, %s%s%n", ref, commit.substring(0, Math.min(12, commit.length())), files.size(),
                    files.size() == 1 ? "" : "s", bytes(all),
                    totalBytes == 0 ? ", all present" : totalBytes < all ? ", " + bytes(totalBytes) + " to fetch" : "");
            if (resumedBytes > 0) out.printf("resuming: %s already on disk%n", bytes(resumedBytes));
        }
    }

    @Override
    public void progress(long bytes) {
        long now = System.nanoTime();
        long d = done.addAndGet(bytes);
        if (terminal) {
            if (now - lastDraw < REDRAW_NANOS && d < total) return;
            lastDraw = now;
            synchronized (this) {
                out.print("\r" + bar(d, now));
                out.flush();
                lineOpen = true;
            }
        } else if (total > 0) {
            int tenth = (int) Math.min(10, d * 10 / total);
            if (tenth > lastTenth) {
                lastTenth = tenth;
                synchronized (this) {
                    out.println(bar(d, now));
                }
            }
        }
    }

    @Override
    public void regress(long bytes) {
        long d = done.addAndGet(-bytes);
        if (total > 0) lastTenth = (int) Math.min(10, d * 10 / total) - 1;  // a pipe sees the tenths again
    }

    @Override
    public synchronized void fileDone(RepoFile file, Path local, boolean downloaded) {
        endLine();
        out.printf("  %s %s%n", downloaded ? "fetched" : "have   ", local);
    }

    @Override
    public synchronized void warning(String message) {
        endLine();
        out.println("warning: " + message);
    }

    @Override
    public synchronized void finished() {
        endLine();
        if (total > 0) {
            double secs = Math.max(1e-3, (System.nanoTime() - startNanos) / 1e9);
            out.printf("done: %s in %.1f s%n", bytes(done.get() - resumed), secs);
        }
    }

    private void endLine() {
        if (lineOpen) {
            out.print("\r" + " ".repeat(WIDTH + 60) + "\r");
            lineOpen = false;
        }
    }

    /** {@code [#########---------]  45%  540.0 MB / 1.2 GB  35.2 MB/s  ETA 0:19} */
    String bar(long d, long now) {
        double frac = total > 0 ? Math.min(1.0, (double) d / total) : 1.0;
        int fill = (int) Math.round(frac * WIDTH);
        double secs = Math.max(1e-3, (now - startNanos) / 1e9);
        double rate = Math.max(0, d - resumed) / secs;
        // the first second's rate says little (connection set-up): no ETA before it
        String eta = rate > 0 && d < total && secs >= 1 ? "  ETA " + duration((long) ((total - d) / rate)) : "";
        return String.format(Locale.ROOT, "[%s%s] %3d%%  %s / %s  %s/s%s", "#".repeat(fill), "-".repeat(WIDTH - fill),
                (int) Math.floor(frac * 100), bytes(d), bytes(total), bytes((long) rate), eta);
    }

    static String bytes(long b) {
        if (b < 1024) return b + " B";
        String[] units = {"KB", "MB", "GB", "TB"};
        double v = b;
        int u = -1;
        while (v >= 1024 && u < units.length - 1) {
            v /= 1024;
            u++;
        }
        return String.format(Locale.ROOT, "%.1f %s", v, units[u]);
    }

    private static String duration(long s) {
        return s >= 3600 ? String.format("%d:%02d:%02d", s / 3600, s / 60 % 60, s % 60) : String.format("%d:%02d", s / 60, s % 60);
    }
}
