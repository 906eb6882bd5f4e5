package hearth.gateway.front;

/**
 * A request being answered on the {@link EventLoop}, as {@link FrontServer.Handler#start} gets it. Everything here
 * is called on the loop's thread. Writes to {@link #response()} never block: what the client has not taken yet is
 * kept, and {@link #backlogged()} says so. The handler ends with exactly one of {@link #done()} or
 * {@link #onThread}.
 */
public interface Exchange {
    EventLoop loop();

    /** The response; its writes throw {@link ResponseWriter.ClientGone} once the client has gone. */
    ResponseWriter response();

    /** The client has not yet taken everything written to it. */
    boolean backlogged();

    /**
     * Runs {@code r} on the loop if the client closes its connection before the response is done, when that is seen
     * (at once, not only at the next write): the handler can stop the upstream's work for a client who left.
     */
    void whenGone(Runnable r);

    /** Runs {@code r} on the loop once the client has taken everything written (at once when it has). */
    void whenDrained(Runnable r);

    /** The response is complete (or aborted): the connection goes on with its next request, or closes. */
    void done();

    /**
     * The rest of the request runs on a thread of its own, where it may block; allowed only while nothing has been
     * written. The front end completes the response when the task returns, as for {@link FrontServer.Handler#handle}.
     */
    void onThread(Task task);

    /** Work on a request that blocks. */
    interface Task {
        void run(ResponseWriter response) throws Exception;
    }
}
