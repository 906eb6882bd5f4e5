package hearth.bench;

/**
 * The handle by which a request in progress on its own (virtual) thread is aborted from outside: by its timeout
 * watchdog or by the end of the run. Aborting interrupts the thread, which makes the JDK HTTP client's blocking
 * send or body read fail; {@link #reason()} then tells the client which of the two it was.
 */
final class Inflight {
    enum Reason { TIMEOUT, CANCELLED }

    private final Thread thread;
    private boolean active = true;
    private volatile Reason reason;

    Inflight(Thread thread) {
        this.thread = thread;
    }

    static Inflight current() {
        return new Inflight(Thread.currentThread());
    }

    /** Interrupts the request once, if it is still running; the first reason wins. */
    synchronized void abort(Reason why) {
        if (active && reason == null) {
            reason = why;
            thread.interrupt();
        }
    }

    /** Marks the request over and clears an interrupt that raced with its end, so the thread can go on. */
    synchronized void finish() {
        active = false;
        Thread.interrupted();
    }

    Reason reason() {
        return reason;
    }
}
