package hearth.server.deploy;

import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import hearth.server.cluster.RepoDirs;
import hearth.server.fakes.Run;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * What can be checked here of the files no test can run (no Docker daemon, no cluster, no Nix): the
 * Dockerfile, Kubernetes manifests, systemd unit and flake are linted for the properties the deployments rely on,
 * with kubectl and systemd-analyze when they are installed.
 */
class ContainerAndServiceFilesTest {
    static final Path ROOT = RepoDirs.root();
    static final int DEFAULT_SHUTDOWN_GRACE_S = 25;

    static String read(String rel) throws IOException {
        return Files.readString(ROOT.resolve(rel));
    }

    @Test
    void theDockerfileBuildsWithTheWrapperAndRunsOnJre25AsUid1001() throws IOException {
        String d = read("deploy/docker/Dockerfile");
        List<String> froms = d.lines().filter(l -> l.startsWith("FROM ")).toList();
        assertThat(froms).containsExactly("FROM eclipse-temurin:25-jdk AS build", "FROM eclipse-temurin:25-jre");
        assertThat(d).contains("RUN ./mvnw -B -q -DskipTests package", "COPY --from=build /src/hearth-cli/target/hearth.jar ",
                "USER 1001:1001", "EXPOSE 8080", "VOLUME [\"/models\"]", "HF_HUB_OFFLINE=1");
        assertThat(read("hearth-cli/pom.xml")).contains("<finalName>hearth</finalName>");
        assertThat(d).containsPattern("HEALTHCHECK [^\\n]*\\\\\\n\\s+CMD curl -fsS \"http://127.0.0.1:\\$\\{PORT}/healthz\"");
        String entry = d.lines().filter(l -> l.startsWith("ENTRYPOINT ")).findFirst().orElseThrow();
        assertThat(entry).startsWith("ENTRYPOINT [\"").contains("\"--add-modules\", \"jdk.incubator.vector\"", "\"/usr/bin/tini\", \"--\"");
        assertThat(d).doesNotContain("ADD http", ":latest");
    }

    @Test
    void everyPathTheDockerfileCopiesExists() throws IOException {
        Matcher m = Pattern.compile("(?m)^COPY (?!--from)(.+) \\S+$").matcher(read("deploy/docker/Dockerfile"));
        int copies = 0;
        while (m.find()) {
            for (String src : m.group(1).split(" ")) {
                if (src.equals(".")) continue;
                assertThat(ROOT.resolve(src)).as(src).exists();
                copies++;
            }
        }
        assertThat(copies).isGreaterThanOrEqualTo(8);
    }

    @Test
    void theDeploymentProbesTheHealthEndpointsAndAsksForAGpuAndTheModelVolume() throws IOException {
        String dep = read("deploy/k8s/deployment.yaml");
        assertThat(block(dep, "startupProbe")).contains("path: /healthz", "failureThreshold: 30", "periodSeconds: 10");
        assertThat(block(dep, "readinessProbe")).contains("path: /readyz");
        assertThat(block(dep, "livenessProbe")).contains("path: /healthz");
        assertThat(dep).contains("nvidia.com/gpu: 1", "claimName: hearth-models", "mountPath: /models", "runAsUser: 1001",
                "memory: 64Gi");
        assertThat(read("deploy/k8s/pvc.yaml")).contains("kind: PersistentVolumeClaim", "name: hearth-models");
        String svc = read("deploy/k8s/service.yaml");
        assertThat(svc).contains("kind: Service", "app: hearth", "targetPort: http");
        int grace = Integer.parseInt(value(dep, "terminationGracePeriodSeconds"));
        int shutdown = Integer.parseInt(value(read("deploy/k8s/configmap.yaml"), "SHUTDOWN_GRACE").replace("\"", ""));
        assertThat(grace).isGreaterThan(shutdown + 30);
    }

    @Test
    void kustomizeRendersTheManifests() throws Exception {
        assumeTrue(DeployFiles.onPath("kubectl"), "skipped: kubectl is not installed");
        Run r = Run.of(List.of("kubectl", "kustomize", "deploy/k8s"), ROOT, Map.of(), Duration.ofSeconds(30));
        assertThat(r.status()).as(r.output()).isZero();
        assertThat(r.output()).contains("kind: Deployment", "kind: Service", "kind: PersistentVolumeClaim", "kind: ConfigMap");
    }

    @Test
    void theSystemdUnitSendsSigtermAndWaitsLongerThanTheGrace() throws IOException {
        String unit = read("deploy/systemd/hearth.service");
        assertThat(unit).contains("KillSignal=SIGTERM", "KillMode=mixed", "ExecStart=/opt/hearth/hearth serve");
        int stop = Integer.parseInt(value(unit, "TimeoutStopSec").strip());
        assertThat(stop).isGreaterThan(DEFAULT_SHUTDOWN_GRACE_S + 30);
    }

    @Test
    void systemdAnalyzeFindsNothingButTheMissingInstall(@TempDir Path dir) throws Exception {
        assumeTrue(DeployFiles.onPath("systemd-analyze"), "skipped: systemd-analyze is not installed");
        Path unit = dir.resolve("hearth.service");
        Files.copy(ROOT.resolve("deploy/systemd/hearth.service"), unit);
        Run r = Run.of(List.of("systemd-analyze", "verify", unit.toString()), dir, Map.of(), Duration.ofSeconds(30));
        List<String> complaints = r.output().lines().filter(l -> !l.isBlank())
                .filter(l -> !l.contains("/opt/hearth/hearth is not executable")).toList();
        assertThat(complaints).isEmpty();
    }

    @Test
    void theFlakeOffersServeTailscaleAndHealthApps() throws IOException {
        String flake = read("deploy/nix/flake.nix");
        for (String app : List.of("serve", "tailscale-up", "tailscale-down", "health")) {
            assertThat(flake).containsPattern("(?m)^\\s+" + app + " = app ");
        }
        assertThat(flake).contains("\"hearth\" \"tailscale up\"", "\"hearth\" \"tailscale down\"", "jdk25", "pkgs.tailscale");
        java.util.regex.Matcher m = java.util.regex.Pattern.compile("inCheckout \"([\\w-]+)\" \"([^\"]+)\"").matcher(flake);
        int commands = 0;
        for (; m.find(); commands++) assertThat(ROOT.resolve(m.group(2))).as(m.group(1)).isExecutable();
        assertThat(commands).isGreaterThanOrEqualTo(4);
        assertThat(flake.chars().filter(c -> c == '{').count()).isEqualTo(flake.chars().filter(c -> c == '}').count());
    }

    /** The lines indented under {@code key:} (a YAML mapping block). */
    static String block(String yaml, String key) {
        List<String> lines = yaml.lines().toList();
        for (int i = 0; i < lines.size(); i++) {
            String l = lines.get(i);
            if (!l.strip().equals(key + ":")) continue;
            int indent = l.indexOf(key);
            StringBuilder sb = new StringBuilder();
            for (int j = i + 1; j < lines.size() && (lines.get(j).isBlank() || lines.get(j).indexOf(lines.get(j).strip()) > indent); j++) {
                sb.append(lines.get(j).strip()).append('\n');
            }
            return sb.toString();
        }
        throw new AssertionError("no " + key + " block");
    }

    /** The value after {@code key:} or {@code key=} on its line. */
    static String value(String text, String key) {
        Matcher m = Pattern.compile("(?m)^\\s*" + Pattern.quote(key) + "\\s*[:=]\\s*(\\S+)").matcher(text);
        if (!m.find()) throw new AssertionError("no " + key);
        return m.group(1);
    }
}
