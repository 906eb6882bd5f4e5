package hearth.server.deploy;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import hearth.server.cluster.RepoDirs;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;

/**
 * deploy/nix/flake.lock pins every input of flake.nix (and flake-utils' own input) to a fixed GitHub revision with
 * its content hash, in the lock format Nix 2.x writes (version 7).
 */
class NixFlakeLockTest {
    static final Path NIX = RepoDirs.root().resolve("deploy/nix");

    static JsonNode lock() throws Exception {
        return new ObjectMapper().readTree(NIX.resolve("flake.lock").toFile());
    }

    @Test
    void theLockHasAnEntryForEveryInputOfTheFlake() throws Exception {
        String flake = Files.readString(NIX.resolve("flake.nix"));
        Matcher m = Pattern.compile("(?m)^\\s+([\\w-]+)\\.url = \"github:([\\w-]+)/([\\w.-]+)(?:/([\\w.-]+))?\";").matcher(flake);
        List<String> inputs = new ArrayList<>();
        JsonNode lock = lock();
        while (m.find()) {
            inputs.add(m.group(1));
            JsonNode original = lock.at("/nodes/" + lock.at("/nodes/root/inputs/" + m.group(1)).asText() + "/original");
            assertThat(original.path("owner").asText()).isEqualTo(m.group(2));
            assertThat(original.path("repo").asText()).isEqualTo(m.group(3));
            assertThat(original.path("ref").asText(null)).isEqualTo(m.group(4));
        }
        assertThat(inputs).containsExactlyInAnyOrder("nixpkgs", "flake-utils");
        List<String> rootInputs = new ArrayList<>();
        lock.at("/nodes/root/inputs").fieldNames().forEachRemaining(rootInputs::add);
        assertThat(rootInputs).containsExactlyInAnyOrderElementsOf(inputs);
        assertThat(lock.path("version").asInt()).isEqualTo(7);
        assertThat(lock.path("root").asText()).isEqualTo("root");
    }

    @Test
    void everyNodeIsPinnedToARevisionAndItsHash() throws Exception {
        JsonNode nodes = lock().path("nodes");
        List<String> pinned = new ArrayList<>();
        nodes.fieldNames().forEachRemaining(name -> {
            if (name.equals("root")) return;
            JsonNode locked = nodes.path(name).path("locked");
            assertThat(locked.path("type").asText()).as(name).isEqualTo("github");
            assertThat(locked.path("rev").asText()).as(name).matches("[0-9a-f]{40}");
            assertThat(locked.path("narHash").asText()).as(name).matches("sha256-[A-Za-z0-9+/]{43}=");
            assertThat(locked.path("lastModified").asLong()).as(name).isGreaterThan(1_600_000_000L);
            assertThat(locked.path("owner").asText()).isEqualTo(nodes.path(name).at("/original/owner").asText());
            // every input a node names (flake-utils -> systems) is in the lock too
            nodes.path(name).path("inputs").forEach(ref -> assertThat(nodes.has(ref.asText())).as(name + " -> " + ref).isTrue());
            pinned.add(name);
        });
        assertThat(pinned).containsExactlyInAnyOrder("nixpkgs", "flake-utils", "systems");
    }

    @Test
    void nixpkgsIsAnUnstableRevisionRecentEnoughForJdk25() throws Exception {
        JsonNode nixpkgs = lock().at("/nodes/nixpkgs/locked");
        assertThat(nixpkgs.path("owner").asText()).isEqualTo("NixOS");
        assertThat(nixpkgs.path("repo").asText()).isEqualTo("nixpkgs");
        // OpenJDK 25 was released in September 2025 (1_758_000_000 s); older nixpkgs has no jdk25
        assertThat(nixpkgs.path("lastModified").asLong()).isGreaterThan(1_758_000_000L);
    }
}
