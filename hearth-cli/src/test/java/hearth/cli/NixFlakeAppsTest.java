package hearth.cli;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;
import picocli.CommandLine;

/** The nix flake's apps run `hearth SUBCOMMAND...`: each one it names exists. */
class NixFlakeAppsTest {
    static Path repoRoot() {
        for (Path d = Path.of("").toAbsolutePath(); d != null; d = d.getParent()) {
            if (Files.isRegularFile(d.resolve("mvnw")) && Files.isDirectory(d.resolve("deploy"))) return d;
        }
        throw new IllegalStateException("not inside the repository");
    }

    @Test
    void everyAppRunsAHearthSubcommandThatExists() throws Exception {
        String flake = Files.readString(repoRoot().resolve("deploy/nix/flake.nix"));
        Matcher m = Pattern.compile("inCheckout \"([\\w-]+)\" \"hearth\" \"([^\"]*)\"").matcher(flake);
        Map<String, String> apps = new LinkedHashMap<>();
        while (m.find()) apps.put(m.group(1), m.group(2));
        assertThat(apps).containsEntry("hearth-serve", "serve").containsEntry("hearth-health", "health")
                .containsEntry("hearth-tailscale-up", "tailscale up").containsEntry("hearth-tailscale-down", "tailscale down");
        for (var app : apps.entrySet()) {
            CommandLine c = new CommandLine(new Main());
            for (String word : List.of(app.getValue().split(" "))) {
                c = c.getSubcommands().get(word);
                assertThat(c).as(app.getKey() + ": hearth " + app.getValue()).isNotNull();
            }
        }
    }
}
