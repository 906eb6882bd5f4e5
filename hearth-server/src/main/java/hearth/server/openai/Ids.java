package hearth.server.openai;

import java.security.SecureRandom;

/** Response ids in OpenAI's style: a prefix and 32 random letters and digits. */
public final class Ids {
    private static final char[] ALPHABET = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789".toCharArray();
    private static final SecureRandom RANDOM = new SecureRandom();

    private Ids() {}

    public static String next(String prefix) {
        StringBuilder sb = new StringBuilder(prefix.length() + 32).append(prefix);
        for (int i = 0; i < 32; i++) sb.append(ALPHABET[RANDOM.nextInt(ALPHABET.length)]);
        return sb.toString();
    }

    public static long epochSeconds() {
        return System.currentTimeMillis() / 1000;
    }
}
