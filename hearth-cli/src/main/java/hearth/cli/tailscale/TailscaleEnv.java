package hearth.cli.tailscale;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * The variables the Tailscale commands read (process environment first, then {@code ./.env}) and the environment
 * their children get: the process environment without the auth key variables, so that a long-running tailscaled
 * does not carry the key in {@code /proc/PID/environ}.
 */
public record TailscaleEnv(Map<String, String> env, Map<String, String> dotEnv) {
    /** Where the auth key may be: {@code TS_AUTHKEY} (the seeds' name) or {@code TAILSCALE_AUTHKEY}. */
    public static final List<String> KEY_VARIABLES = List.of("TS_AUTHKEY", "TAILSCALE_AUTHKEY");

    public TailscaleEnv {
        env = Map.copyOf(env);
        dotEnv = Map.copyOf(dotEnv);
    }

    /** A non-empty value from the environment, else from {@code .env}. */
    public Optional<String> get(String name) {
        String v = env.get(name);
        if (v == null || v.isEmpty()) v = dotEnv.get(name);
        return v == null || v.isEmpty() ? Optional.empty() : Optional.of(v);
    }

    /** The auth key: {@code keyFile} when given, else the first key variable set. */
    public Optional<AuthKey> authKey(Path keyFile) {
        if (keyFile != null) {
            try {
                String k = Files.readString(keyFile).strip();
                if (k.isEmpty()) throw new IllegalArgumentException("--auth-key-file " + keyFile + " is empty");
                return Optional.of(new AuthKey(k));
            } catch (java.io.IOException e) {
                throw new IllegalArgumentException("--auth-key-file " + keyFile + ": cannot read it (" + e.getMessage() + ")");
            }
        }
        for (String name : KEY_VARIABLES) {
            Optional<String> v = get(name);
            if (v.isPresent()) return Optional.of(new AuthKey(v.get().strip()));
        }
        return Optional.empty();
    }

    public Map<String, String> childEnvironment() {
        Map<String, String> out = new HashMap<>(env);
        KEY_VARIABLES.forEach(out::remove);
        return out;
    }

    /** An auth key; never shown, not even by {@code toString}. */
    public record AuthKey(String value) {
        @Override
        public String toString() {
            return "AuthKey[****]";
        }
    }
}
