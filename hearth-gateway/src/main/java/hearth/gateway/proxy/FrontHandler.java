package hearth.gateway.proxy;

import java.util.function.BiPredicate;
import org.eclipse.jetty.server.Handler;
import org.eclipse.jetty.server.Request;
import org.eclipse.jetty.server.Response;
import org.eclipse.jetty.util.Callback;

/**
 * The first Jetty handler: proxied requests go straight to {@link ProxyHandler} on Jetty's core API; only the
 * gateway's own routes reach the wrapped Javalin servlet. Skipping the servlet layer and Javalin's context for
 * every proxied request and every relayed SSE chunk is most of what makes the proxy path cheap.
 */
public final class FrontHandler extends Handler.Wrapper {
    private final ProxyHandler proxy;
    private final BiPredicate<String, String> ownRoute;

    /** {@code ownRoute} gets the method and the raw path and says whether Javalin answers it. */
    public FrontHandler(ProxyHandler proxy, BiPredicate<String, String> ownRoute) {
        this.proxy = proxy;
        this.ownRoute = ownRoute;
    }

    @Override
    public boolean handle(Request request, Response response, Callback callback) throws Exception {
        if (ownRoute.test(request.getMethod(), request.getHttpURI().getPath())) return super.handle(request, response, callback);
        proxy.handle(request, response, callback);
        return true;
    }

    @Override
    public InvocationType getInvocationType() {
        return InvocationType.BLOCKING; // the proxy blocks on upstream sockets
    }
}
