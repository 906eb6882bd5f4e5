package hearth.gateway;

import ch.qos.logback.classic.Level;
import ch.qos.logback.classic.Logger;
import ch.qos.logback.classic.LoggerContext;
import org.slf4j.LoggerFactory;

/**
 * Log levels for a gateway process that was started without a logging config: logback's own fallback logs Jetty
 * at DEBUG, which floods the console and costs throughput on the proxy path.
 */
public final class Logging {
    private Logging() {}

    /** INFO for Hearth, WARN for Jetty and Javalin, unless a logback config file was found or named. */
    public static void quietDefaults() {
        if (!(LoggerFactory.getILoggerFactory() instanceof LoggerContext ctx)) return;
        if (System.getProperty("logback.configurationFile") != null) return;
        if (Logging.class.getClassLoader().getResource("logback.xml") != null) return;
        if (Logging.class.getClassLoader().getResource("logback-test.xml") != null) return;
        ctx.getLogger(Logger.ROOT_LOGGER_NAME).setLevel(Level.INFO);
        ctx.getLogger("org.eclipse.jetty").setLevel(Level.WARN);
        ctx.getLogger("io.javalin").setLevel(Level.WARN);
        ctx.getLogger("jdk.internal.httpclient").setLevel(Level.WARN);
    }
}
