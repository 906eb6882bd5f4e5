package hearth.server.fakes;

import java.net.StandardProtocolFamily;
import java.net.UnixDomainSocketAddress;
import java.nio.channels.ServerSocketChannel;
import java.nio.file.Files;
import java.nio.file.Path;

/**
 * Behaves like {@code tailscaled} on its command line: checks userspace networking was asked for, creates the
 * control socket named by {@code --socket=PATH}, writes its arguments to {@code --statedir}/args, and runs until
 * it is terminated.
 */
public final class FakeTailscaled {
    public static void main(String[] argv) throws Exception {
        String[] args = java.util.Arrays.copyOfRange(argv, 1, argv.length);
        String socket = null;
        String stateDir = null;
        boolean userspace = false;
        for (String a : args) {
            if (a.startsWith("--socket=")) socket = a.substring(9);
            if (a.startsWith("--statedir=")) stateDir = a.substring(11);
            if (a.equals("--tun=userspace-networking")) userspace = true;
        }
        if (socket == null || stateDir == null || !userspace) {
            System.err.println("fake tailscaled: need --socket, --statedir and --tun=userspace-networking");
            System.exit(2);
        }
        Files.writeString(Path.of(stateDir, "args"), String.join(" ", args) + "\n");
        ServerSocketChannel ch = ServerSocketChannel.open(StandardProtocolFamily.UNIX);
        ch.bind(UnixDomainSocketAddress.of(socket));
        Thread.sleep(60_000);
        System.exit(3);
    }
}
