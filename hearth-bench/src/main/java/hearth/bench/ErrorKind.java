package hearth.bench;

/** Why a request did not complete, grouped the way an operator acts on it. */
public enum ErrorKind {
    /** TCP connect failed: refused, unreachable, or connect timeout. The server is not there. */
    CONNECT("cannot connect"),
    /** 401/403: the API key is missing or wrong. */
    AUTH("unauthorized (API key)"),
    /** 429: the server shed load. */
    RATE_LIMITED("rate limited (429)"),
    /** Other 4xx: the request was refused (bad model name, too long a prompt, ...). */
    HTTP_4XX("client error (4xx)"),
    /** 5xx: the server failed. */
    HTTP_5XX("server error (5xx)"),
    /** An {@code error} event inside a 200 stream. */
    STREAM_ERROR("error event in stream"),
    /** The connection closed or reset before the answer was complete (e.g. the server was killed mid-stream). */
    INCOMPLETE("connection lost"),
    /** The body was not the expected JSON or SSE. */
    BAD_RESPONSE("malformed response"),
    /** No complete answer within {@code --timeout}. */
    TIMEOUT("timed out");

    private final String label;

    ErrorKind(String label) {
        this.label = label;
    }

    public String label() {
        return label;
    }

    /** Kinds that mean nothing will succeed if the run goes on (no server, wrong key). */
    public boolean fatal() {
        return this == CONNECT || this == AUTH;
    }

    public static ErrorKind ofStatus(int status) {
        if (status == 401 || status == 403) return AUTH;
        if (status == 429) return RATE_LIMITED;
        if (status >= 500) return HTTP_5XX;
        return HTTP_4XX;
    }
}
