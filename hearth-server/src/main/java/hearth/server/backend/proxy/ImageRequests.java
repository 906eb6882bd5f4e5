package hearth.server.backend.proxy;

import com.fasterxml.jackson.databind.JsonNode;
import java.util.List;
import java.util.Optional;
import java.util.Set;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Checks of {@code /v1/images/generations} (JSON) and {@code /v1/images/edits} (multipart) before they reach the
 * image engine: the OpenAI fields Hearth can judge ({@code prompt}, {@code n}, {@code size},
 * {@code response_format}, the image files); everything else passes through untouched.
 */
public final class ImageRequests {
    public static final int MAX_N = 10;
    public static final int MIN_SIDE = 256;
    public static final int MAX_SIDE = 4096;
    /** GLM-Image and most diffusion models need sides divisible by 32. */
    public static final int SIDE_MULTIPLE = 32;
    public static final int MAX_PROMPT_CHARS = 32_000;
    public static final long MAX_IMAGE_BYTES = 25L << 20;
    static final Set<String> FORMATS = Set.of("b64_json", "url");
    private static final Pattern SIZE = Pattern.compile("(\\d{1,5})x(\\d{1,5})");

    private ImageRequests() {}

    public static Optional<Problem> generation(JsonNode body, String model) {
        if (body == null || !body.isObject()) return Optional.of(Problem.of("the body must be a JSON object", null));
        Optional<Problem> p = prompt(body.get("prompt") == null ? null : body.get("prompt"));
        if (p.isPresent()) return p;
        return common(node(body, "n"), node(body, "size"), node(body, "response_format"), node(body, "model"), model);
    }

    /** Checks an edit's parts; {@code image} (or {@code image[]}) files are required, {@code mask} optional. */
    public static Optional<Problem> edit(List<Multipart.Part> parts, String model) {
        Multipart.Part prompt = field(parts, "prompt");
        if (prompt == null || prompt.filename() != null) return Optional.of(Problem.of("prompt is required", "prompt"));
        Optional<Problem> p = promptText(prompt.text());
        if (p.isPresent()) return p;
        List<Multipart.Part> images = parts.stream().filter(x -> x.name().equals("image") || x.name().equals("image[]")).toList();
        if (images.isEmpty()) return Optional.of(Problem.of("image is required: send the picture to edit as a file", "image"));
        for (Multipart.Part img : images) {
            Optional<Problem> bad = picture(img, "image");
            if (bad.isPresent()) return bad;
        }
        Multipart.Part mask = field(parts, "mask");
        if (mask != null) {
            Optional<Problem> bad = picture(mask, "mask");
            if (bad.isPresent()) return bad;
            if (!isPng(mask.content())) return Optional.of(Problem.of("mask must be a PNG with an alpha channel", "mask"));
        }
        return common(text(parts, "n"), text(parts, "size"), text(parts, "response_format"), text(parts, "model"), model);
    }

    private static Optional<Problem> common(String n, String size, String format, String requested, String model) {
        if (n != null) {
            int count;
            try {
                count = Integer.parseInt(n.strip());
            } catch (NumberFormatException e) {
                return Optional.of(Problem.of("n must be an integer from 1 to " + MAX_N + ", got " + n, "n"));
            }
            if (count < 1 || count > MAX_N) return Optional.of(Problem.of("n must be from 1 to " + MAX_N + ", got " + count, "n"));
        }
        if (size != null && !size.equals("auto")) {
            Matcher m = SIZE.matcher(size);
            if (!m.matches()) return Optional.of(Problem.of("size must be WIDTHxHEIGHT (e.g. 1024x1024) or auto, got '" + size + "'", "size"));
            for (String side : List.of(m.group(1), m.group(2))) {
                int v = Integer.parseInt(side);
                if (v < MIN_SIDE || v > MAX_SIDE || v % SIDE_MULTIPLE != 0) {
                    return Optional.of(Problem.of("size sides must be " + MIN_SIDE + ".." + MAX_SIDE + " and multiples of "
                            + SIDE_MULTIPLE + ", got '" + size + "'", "size"));
                }
            }
        }
        if (format != null && !FORMATS.contains(format)) {
            return Optional.of(Problem.of("response_format must be b64_json or url, got '" + format + "'", "response_format"));
        }
        if (requested != null && model != null && !requested.equals(model)) {
            return Optional.of(new Problem("the model '" + requested + "' does not exist; this server serves '" + model + "'",
                    "model", "model_not_found"));
        }
        return Optional.empty();
    }

    private static Optional<Problem> prompt(JsonNode prompt) {
        if (prompt == null || prompt.isNull()) return Optional.of(Problem.of("prompt is required", "prompt"));
        if (!prompt.isTextual()) return Optional.of(Problem.of("prompt must be a string", "prompt"));
        return promptText(prompt.asText());
    }

    private static Optional<Problem> promptText(String text) {
        if (text.isBlank()) return Optional.of(Problem.of("prompt must not be empty", "prompt"));
        if (text.length() > MAX_PROMPT_CHARS) return Optional.of(Problem.of("prompt is longer than " + MAX_PROMPT_CHARS + " characters", "prompt"));
        return Optional.empty();
    }

    private static Optional<Problem> picture(Multipart.Part p, String param) {
        if (p.filename() == null) return Optional.of(Problem.of(param + " must be sent as a file", param));
        if (p.content().length == 0) return Optional.of(Problem.of(param + " is empty", param));
        if (p.content().length > MAX_IMAGE_BYTES) return Optional.of(Problem.of(param + " is larger than 25 MB", param));
        if (!isPng(p.content()) && !isJpeg(p.content()) && !isWebp(p.content())) {
            return Optional.of(Problem.of(param + " must be a PNG, JPEG or WebP image", param));
        }
        return Optional.empty();
    }

    static boolean isPng(byte[] b) {
        return b.length >= 8 && (b[0] & 0xff) == 0x89 && b[1] == 'P' && b[2] == 'N' && b[3] == 'G';
    }

    static boolean isJpeg(byte[] b) {
        return b.length >= 3 && (b[0] & 0xff) == 0xFF && (b[1] & 0xff) == 0xD8 && (b[2] & 0xff) == 0xFF;
    }

    static boolean isWebp(byte[] b) {
        return b.length >= 12 && b[0] == 'R' && b[1] == 'I' && b[2] == 'F' && b[3] == 'F' && b[8] == 'W' && b[9] == 'E' && b[10] == 'B' && b[11] == 'P';
    }

    /** A JSON field as text (numbers too), null when absent; non-scalars are refused later by shape. */
    private static String node(JsonNode body, String field) {
        JsonNode v = body.get(field);
        if (v == null || v.isNull()) return null;
        return v.isValueNode() ? v.asText() : v.toString();
    }

    private static Multipart.Part field(List<Multipart.Part> parts, String name) {
        return parts.stream().filter(p -> p.name().equals(name)).findFirst().orElse(null);
    }

    private static String text(List<Multipart.Part> parts, String name) {
        Multipart.Part p = field(parts, name);
        return p == null ? null : p.text().strip();
    }
}
