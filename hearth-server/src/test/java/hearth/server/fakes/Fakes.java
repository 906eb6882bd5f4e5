package hearth.server.fakes;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;

/**
 * Stand-in executables for tests: small {@code /bin/sh} scripts, or launchers that run a Java main of the test
 * classpath (for stand-ins that need sockets or HTTP), written into a test's temp directory.
 */
public final class Fakes {
    private Fakes() {}

    /** An executable {@code dir/name} running {@code body} under /bin/sh. */
    public static Path script(Path dir, String name, String body) throws IOException {
        Path p = dir.resolve(name);
        Files.writeString(p, "#!/bin/sh\n" + body);
        Files.setPosixFilePermissions(p, PosixFilePermissions.fromString("rwxr-xr-x"));
        return p;
    }

    /** An executable {@code dir/name} that runs {@code main} with its arguments in a fresh JVM (exec'd: same PID). */
    public static Path javaMain(Path dir, String name, Class<?> main) throws IOException {
        String java = Path.of(System.getProperty("java.home"), "bin", "java").toString();
        String cp = System.getProperty("java.class.path");
        return script(dir, name, "exec '" + java + "' -XX:TieredStopAtLevel=1 -XX:+UseSerialGC -Xshare:auto -cp '" + cp
                + "' " + main.getName() + " \"$@\"\n");
    }

    /** A script that appends its arguments (one line) to {@code log} and exits with {@code status}. */
    public static Path recorder(Path dir, String name, Path log, int status) throws IOException {
        return script(dir, name, "echo \"$*\" >> '" + log + "'\nexit " + status + "\n");
    }
}
