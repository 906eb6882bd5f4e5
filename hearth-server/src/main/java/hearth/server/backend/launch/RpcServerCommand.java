package hearth.server.backend.launch;

import hearth.server.cluster.Settings;
import java.util.List;

/**
 * llama.cpp's {@code rpc-server} on a worker node: it exposes that node's GPUs to the head's llama-server
 * ({@code --rpc host:port}). It must listen beyond loopback, so {@code rpc-host} defaults to 0.0.0.0: keep the
 * port inside the cluster network (the RPC protocol has no authentication).
 */
public record RpcServerCommand(String binary, String host, int port, Integer threads, boolean cache) {
    public static RpcServerCommand from(Settings s) {
        return new RpcServerCommand(s.get("rpc-server-bin", "rpc-server"), s.get("rpc-host", "0.0.0.0"),
                s.integer("rpc-port", 50052), s.integer("rpc-threads").orElse(null), s.bool("rpc-cache", false));
    }

    public List<String> argv() {
        // the short forms are the ones every rpc-server version knows
        return new Args(List.of(binary)).opt("-H", host).opt("-p", port).opt("-t", threads).flag("-c", cache).build();
    }
}
