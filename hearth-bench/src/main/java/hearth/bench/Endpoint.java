package hearth.bench;

import java.util.Locale;

/** The two OpenAI generation endpoints the load generator speaks. */
public enum Endpoint {
    COMPLETIONS("/v1/completions"),
    CHAT("/v1/chat/completions");

    private final String path;

    Endpoint(String path) {
        this.path = path;
    }

    public String path() {
        return path;
    }

    /** {@code /v1/completions}, {@code completions}, {@code /v1/chat/completions}, {@code chat/completions} or {@code chat}. */
    public static Endpoint parse(String s) {
        String t = s.strip().toLowerCase(Locale.ROOT);
        if (t.startsWith("/")) t = t.substring(1);
        if (t.startsWith("v1/")) t = t.substring(3);
        return switch (t) {
            case "completions" -> COMPLETIONS;
            case "chat/completions", "chat" -> CHAT;
            default -> throw new IllegalArgumentException("endpoint must be /v1/completions or /v1/chat/completions, got '" + s + "'");
        };
    }
}
