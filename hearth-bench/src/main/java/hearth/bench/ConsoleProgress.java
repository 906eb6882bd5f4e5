package hearth.bench;

import java.io.IOException;
import java.io.PrintStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Locale;
import me.tongfei.progressbar.ConsoleProgressBarConsumer;
import me.tongfei.progressbar.ProgressBar;
import me.tongfei.progressbar.ProgressBarBuilder;
import me.tongfei.progressbar.ProgressBarStyle;

/** A progress bar on stderr: requests done (of the total when known), output tokens/s and errors so far. */
public final class ConsoleProgress implements Progress {
    private final PrintStream err;
    private ProgressBar bar;

    public ConsoleProgress(PrintStream err) {
        this.err = err;
    }

    /** The bar when stderr is an interactive terminal and not {@code quiet}, else {@link Progress#NONE}. */
    public static Progress forTerminal(boolean quiet) {
        return quiet || !stderrIsTerminal() ? Progress.NONE : new ConsoleProgress(System.err);
    }

    /**
     * Whether stderr is a terminal, also when stdout is redirected to a file (the usual way to keep the tables).
     * Linux says so through /proc; elsewhere the JDK's console check (stdin and stdout) stands in.
     */
    static boolean stderrIsTerminal() {
        try {
            String target = Files.readSymbolicLink(Path.of("/proc/self/fd/2")).toString();
            return target.startsWith("/dev/pts/") || target.startsWith("/dev/tty");
        } catch (IOException | UnsupportedOperationException | SecurityException e) {
            var console = System.console();
            return console != null && console.isTerminal();
        }
    }

    @Override
    public synchronized void start(String label, long total) {
        finish();
        bar = new ProgressBarBuilder().setTaskName(label).setInitialMax(total)
                .setStyle(ProgressBarStyle.ASCII).setUpdateIntervalMillis(250).setUnit(" req", 1)
                .setConsumer(new ConsoleProgressBarConsumer(err)).continuousUpdate().build();
    }

    @Override
    public synchronized void update(long done, long errors, long outputTokens, double elapsedSeconds) {
        if (bar == null) return;
        bar.stepTo(done);
        double tps = elapsedSeconds > 0 ? outputTokens / elapsedSeconds : 0;
        bar.setExtraMessage(String.format(Locale.ROOT, "%.1f tok/s, %d errors", tps, errors));
    }

    @Override
    public synchronized void finish() {
        if (bar != null) {
            bar.close();
            bar = null;
        }
    }
}
