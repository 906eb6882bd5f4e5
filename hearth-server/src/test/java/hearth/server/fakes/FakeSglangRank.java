package hearth.server.fakes;

import java.io.IOException;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * SGLang's multi-node contract for {@link FakeEngine}: rank 0 listens on {@code --dist-init-addr}'s port and does not
 * finish loading before the other {@code --nnodes - 1} ranks have joined; a rank ≥ 1 serves no HTTP, connects to rank
 * 0 (retrying while it is not up yet, as torch's rendezvous does) and exits when that connection breaks.
 */
final class FakeSglangRank {
    private FakeSglangRank() {}

    static int intFlag(List<String> args, String flag, int fallback) {
        int i = args.indexOf(flag);
        return i >= 0 && i + 1 < args.size() ? Integer.parseInt(args.get(i + 1)) : fallback;
    }

    static String distInitAddr(List<String> args) {
        int i = args.indexOf("--dist-init-addr");
        return i >= 0 && i + 1 < args.size() ? args.get(i + 1) : null;
    }

    private static InetSocketAddress parse(String addr) {
        int colon = addr.lastIndexOf(':');
        return new InetSocketAddress(addr.substring(0, colon), Integer.parseInt(addr.substring(colon + 1)));
    }

    /** Rank 0: accepts and holds the other ranks' connections; the count of those that joined. */
    static AtomicInteger listen(String addr) throws IOException {
        InetSocketAddress a = parse(addr);
        ServerSocket ss = new ServerSocket();
        ss.bind(new InetSocketAddress("127.0.0.1", a.getPort()));
        AtomicInteger joined = new AtomicInteger();
        List<Socket> held = new ArrayList<>();
        Thread.ofPlatform().daemon().start(() -> {
            try {
                while (true) {
                    held.add(ss.accept());
                    System.out.println("rank 0: rank joined (" + joined.incrementAndGet() + ")");
                }
            } catch (IOException ignored) {
                // shutting down
            }
        });
        return joined;
    }

    /** Rank ≥ 1: joins rank 0, then blocks until rank 0 is gone; exits 1 when it never answers or goes away. */
    static void join(int rank, String addr) throws InterruptedException {
        long deadline = System.nanoTime() + 60_000_000_000L;
        while (true) {
            try (Socket s = new Socket()) {
                s.connect(parse(addr), 1000);
                System.out.println("rank " + rank + ": joined " + addr);
                while (s.getInputStream().read() >= 0) { }
                System.out.println("rank " + rank + ": lost rank 0");
                System.exit(1);
            } catch (IOException notYet) {
                if (System.nanoTime() > deadline) {
                    System.out.println("rank " + rank + ": timed out waiting for " + addr);
                    System.exit(1);
                }
                Thread.sleep(100);
            }
        }
    }
}
