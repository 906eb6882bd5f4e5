package hearth.server.fakes;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.Map;
import java.util.TreeMap;

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
        return javaMain(dir, name, main, Map.of());
    }

    /**
     * The same with environment variables set for the stand-in (its knobs) and the program name passed as first
     * argument, so that one class can play several programs.
     */
    public static Path javaMain(Path dir, String name, Class<?> main, Map<String, String> env) throws IOException {
        String java = Path.of(System.getProperty("java.home"), "bin", "java").toString();
        String cp = System.getProperty("java.class.path");
        StringBuilder sb = new StringBuilder();
        new TreeMap<>(env).forEach((k, v) -> sb.append("export ").append(k).append("='").append(v.replace("'", "'\\''")).append("'\n"));
        sb.append("exec '").append(java).append("' -XX:TieredStopAtLevel=1 -XX:+UseSerialGC -Xss512k -cp '").append(cp)
                .append("' ").append(main.getName()).append(" '").append(name).append("' \"$@\"\n");
        return script(dir, name, sb.toString());
    }

    /**
     * A stand-in {@code srun}: records {@code NODE ARGS...} in {@code log}, drops its own options and runs the rest
     * here with {@code FAKE_NODE=NODE} (every "node" is this machine).
     */
    public static Path srun(Path dir, Path log) throws IOException {
        return script(dir, "srun", """
                node=
                while [ $# -gt 0 ]; do
                  case "$1" in
                    -w) node=$2; shift 2 ;;
                    -*) shift ;;
                    *) break ;;
                  esac
                done
                echo "$node $*" >> '%s'
                FAKE_NODE=$node exec "$@"
                """.formatted(log));
    }

    /** A script that appends its arguments (one line) to {@code log} and exits with {@code status}. */
    public static Path recorder(Path dir, String name, Path log, int status) throws IOException {
        return script(dir, name, "echo \"$*\" >> '" + log + "'\nexit " + status + "\n");
    }
}
