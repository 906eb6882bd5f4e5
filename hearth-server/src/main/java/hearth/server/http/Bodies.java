package hearth.server.http;

import io.javalin.http.Context;
import java.io.IOException;
import java.io.InputStream;

/** Reading request bodies under a size limit and writing JSON responses. */
public final class Bodies {
    public static final String JSON = "application/json; charset=utf-8";

    private Bodies() {}

    /** The request body; more than {@code limit} bytes is a 413 (decided from Content-Length when given, else by reading). */
    public static byte[] read(Context ctx, long limit) {
        long declared = ctx.req().getContentLengthLong();
        if (declared > limit) throw tooLarge(declared, limit);
        try (InputStream in = ctx.req().getInputStream()) {
            byte[] body = in.readNBytes((int) Math.min(Integer.MAX_VALUE - 8, limit + 1));
            if (body.length > limit) throw tooLarge(-1, limit);
            return body;
        } catch (IOException e) {
            throw ApiError.badRequest("could not read the request body: " + e.getMessage(), null);
        }
    }

    private static ApiError tooLarge(long size, long limit) {
        return ApiError.tooLarge("the request body " + (size >= 0 ? "has " + size + " bytes, " : "is ")
                + "over the limit of " + limit + " bytes");
    }

    public static void json(Context ctx, int status, Object body) {
        ctx.status(status).contentType(JSON).result(Json.write(body)); // Jetty writes it as application/json;charset=utf-8
    }
}
