package hearth.server.fakes;

import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.ArrayList;
import java.util.List;

/**
 * Plays {@code rpc-server} ({@code -H HOST -p PORT}) and {@code ray start} ({@code --head --port=P} listens;
 * a worker with {@code --address=...} just blocks): a process that listens where its command line says, keeps
 * the connections it accepts (as RPC workers do), records its start in {@code FAKE_DIR/starts.log} and exits on
 * SIGTERM.
 */
public final class FakeWorker {
    public static void main(String[] argv) throws Exception {
        String program = argv[0];
        List<String> args = List.of(argv).subList(1, argv.length);
        String host = "127.0.0.1";
        int port = -1;
        for (int i = 0; i < args.size(); i++) {
            String a = args.get(i);
            if ((a.equals("-p") || a.equals("--port")) && i + 1 < args.size()) port = Integer.parseInt(args.get(i + 1));
            if (a.startsWith("--port=")) port = Integer.parseInt(a.substring(7));
            if ((a.equals("-H") || a.equals("--host")) && i + 1 < args.size()) host = args.get(i + 1);
        }
        // every "node" is this machine: listen on the node's name when srun gave one
        String node = System.getenv("FAKE_NODE");
        if (node != null && !node.isBlank()) host = node;
        String dir = System.getenv("FAKE_DIR");
        if (dir != null) {
            Files.writeString(Path.of(dir, "starts.log"), program + " " + ProcessHandle.current().pid() + " " + String.join(" ", args) + "\n",
                    StandardOpenOption.CREATE, StandardOpenOption.APPEND);
        }
        Runtime.getRuntime().addShutdownHook(new Thread(() -> System.out.println(program + ": terminating")));
        if (args.contains("--address") || args.stream().anyMatch(a -> a.startsWith("--address=")) || port < 0) {
            System.out.println(program + ": joined, blocking");
            Thread.sleep(Long.MAX_VALUE);
        }
        List<Socket> held = new ArrayList<>();
        try (ServerSocket ss = new ServerSocket()) {
            ss.bind(new InetSocketAddress(InetAddress.getByName(host.equals("0.0.0.0") ? "127.0.0.1" : host), port));
            System.out.println(program + ": listening on " + host + ":" + port);
            while (true) held.add(ss.accept());
        }
    }
}
