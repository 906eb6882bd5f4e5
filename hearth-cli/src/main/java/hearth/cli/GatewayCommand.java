package hearth.cli;

import hearth.gateway.Gateway;
import hearth.gateway.GatewayConfig;
import hearth.gateway.Logging;
import hearth.gateway.Units;
import java.nio.file.Path;
import java.util.Map;
import java.util.concurrent.Callable;
import java.util.concurrent.CountDownLatch;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/** {@code hearth gateway}: one stable URL in front of tiers of OpenAI-compatible servers that come and go. */
@Command(name = "gateway", mixinStandardHelpOptions = true, defaultValueProvider = GatewayCommand.Defaults.class,
        description = {"Route, balance and fail over requests across tiers of OpenAI-compatible servers.",
            "Without --config the tiers are fast at /, reasoning at /reasoning/ and image at /image/.",
            "Each option may also be set by an environment variable named like its long name (--registry-dir:"
                    + " REGISTRY_DIR or HEARTH_REGISTRY_DIR) or in ./.env; precedence: flag > environment > .env >"
                    + " config file > default."})
final class GatewayCommand implements Callable<Integer> {
    /** The default-value provider picocli instantiates for this command: process environment and ./.env. */
    public static final class Defaults implements CommandLine.IDefaultValueProvider {
        private final EnvDefaults env = EnvDefaults.load(Path.of(""), Map.of());

        @Override
        public String defaultValue(CommandLine.Model.ArgSpec arg) {
            return env.defaultValue(arg);
        }
    }

    @Option(names = "--port", description = "port to listen on (default: the config's, else 8000)")
    Integer port;

    @Option(names = "--host", description = "address to bind (default: the config's, else 0.0.0.0)")
    String host;

    @Option(names = "--config", description = "gateway config, YAML or TOML (tiers, upstreams, keys, limits)")
    Path config;

    @Option(names = "--registry-dir", description = "directory of endpoint files (*.json), one per running server")
    Path registryDir;

    @Option(names = "--heartbeat-ttl", description = "ignore endpoint files whose heartbeat is older, e.g. 60s")
    String heartbeatTtl;

    @Option(names = "--registry-token",
            description = "token for POST/DELETE /registry (env REGISTRY_TOKEN or HEARTH_REGISTRY_TOKEN); without one the HTTP registry is off")
    String registryToken;

    @Option(names = "--print-nginx", description = "print the equivalent nginx config and exit")
    boolean printNginx;

    @Override
    public Integer call() throws Exception {
        Logging.quietDefaults();
        GatewayConfig c = effective();
        if (printNginx) {
            System.out.print(Gateway.nginxConfig(c));
            return 0;
        }
        CountDownLatch stopped = new CountDownLatch(1);
        Gateway gateway = new Gateway(c).start();
        Runtime.getRuntime().addShutdownHook(new Thread(() -> {
            gateway.close();
            stopped.countDown();
        }, "gateway-shutdown"));
        System.err.println("hearth gateway on " + gateway.baseUri() + " (status: " + gateway.baseUri() + "/gateway/status)");
        stopped.await();
        return 0;
    }

    /** Flags over the config file over the defaults. */
    GatewayConfig effective() throws Exception {
        GatewayConfig c = config != null ? GatewayConfig.load(config) : GatewayConfig.defaults();
        c = c.withListen(host != null ? host : c.host(), port != null ? port : c.port());
        var r = c.registry();
        c = c.withRegistry(new GatewayConfig.RegistryConfig(
                registryDir != null ? registryDir : r.dir(),
                r.rescan(),
                heartbeatTtl != null ? Units.duration(heartbeatTtl) : r.heartbeatTtl(),
                registryToken != null && !registryToken.isBlank() ? registryToken : r.token(),
                r.httpTtl()));
        return c;
    }
}
