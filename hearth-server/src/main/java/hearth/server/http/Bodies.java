package hearth.server.http;

import io.javalin.http.Context;
import java.io.IOException;
import java.io.InputStream;

/** Reading request bodies under a size limit and writing JSON responses. */
public final class Bodies {
    public static final String JSON = "application/json; charset=utf-8";

    private Bodies() {}

    /**
     * Up to this many bytes of a body that is too large are read and dropped before the 413 goes out: a server that
     * answers and closes while the client is still sending resets the connection, and the client may then never
     * see the answer. Larger bodies are cut off (the connection closes).
     */
    private static final long DRAIN_LIMIT = 16L << 20;

    /** The request body; more than {@code limit} bytes is a 413 (decided from Content-Length when given, else by reading). */
    public static byte[] read(Context ctx, long limit) {
        long declared = ctx.req().getContentLengthLong();
        try (InputStream in = ctx.req().getInputStream()) {
            if (declared > limit) {
                if (declared <= DRAIN_LIMIT) drain(in);
                throw tooLarge(declared, limit);
            }
            byte[] body = in.readNBytes((int) Math.min(Integer.MAX_VALUE - 8, limit + 1));
            if (body.length > limit) {
                drain(in);
                throw tooLarge(-1, limit);
            }
            return body;
        } catch (IOException e) {
            throw ApiError.badRequest("could not read the request body: " + e.getMessage(), null);
        }
    }

    private static void drain(InputStream in) throws IOException {
        long left = DRAIN_LIMIT;
        byte[] buf = new byte[16 * 1024];
        for (int n; left > 0 && (n = in.read(buf, 0, (int) Math.min(buf.length, left))) >= 0; ) left -= n;
    }

    private static ApiError tooLarge(long size, long limit) {
        return ApiError.tooLarge("the request body " + (size >= 0 ? "has " + size + " bytes, " : "is ")
                + "over the limit of " + limit + " bytes");
    }

    public static void json(Context ctx, int status, Object body) {
        ctx.status(status).contentType(JSON).result(Json.write(body)); // Jetty writes it as application/json;charset=utf-8
    }
}
