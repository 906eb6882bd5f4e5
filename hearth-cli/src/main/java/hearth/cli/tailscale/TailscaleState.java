package hearth.cli.tailscale;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.util.ArrayList;
import java.util.List;

/**
 * The part of {@code tailscale status --json} the status command shows.
 *
 * @param backendState {@code NoState}, {@code NeedsLogin}, {@code NeedsMachineAuth}, {@code Stopped}, {@code Starting}
 *                     or {@code Running}
 * @param dnsName      the node's MagicDNS name (without the trailing dot), empty when unknown
 * @param authUrl      where to log in, while {@code NeedsLogin}
 */
public record TailscaleState(String backendState, String hostName, String dnsName, List<String> addresses, String authUrl) {
    private static final ObjectMapper JSON = new ObjectMapper();

    public TailscaleState {
        addresses = List.copyOf(addresses);
    }

    public static TailscaleState parse(String json) {
        JsonNode root;
        try {
            root = JSON.readTree(json);
        } catch (java.io.IOException e) {
            throw new IllegalArgumentException("tailscale status --json printed no JSON: " + e.getMessage());
        }
        if (root == null || !root.isObject()) throw new IllegalArgumentException("tailscale status --json printed no JSON object");
        JsonNode self = root.path("Self");
        List<String> ips = new ArrayList<>();
        JsonNode list = self.has("TailscaleIPs") ? self.path("TailscaleIPs") : root.path("TailscaleIPs");
        list.forEach(n -> ips.add(n.asText()));
        return new TailscaleState(root.path("BackendState").asText("NoState"), self.path("HostName").asText(""),
                self.path("DNSName").asText("").replaceFirst("\\.$", ""), ips, root.path("AuthURL").asText(""));
    }

    public boolean running() {
        return backendState.equals("Running");
    }
}
