package hearth.engine.tokenizer;

import java.io.ByteArrayOutputStream;
import java.nio.charset.StandardCharsets;

/**
 * Turns generated tokens into text as they come. Token pieces are concatenated as the reference server does (no
 * space clean-up, control tokens shown only when asked). Bytes that may still become a complete UTF-8 character are
 * held back, so no returned string ends in half a character; a sequence that can no longer become valid is emitted
 * as U+FFFD. {@link #flush} releases whatever is held (incomplete bytes as U+FFFD).
 *
 * <p>Not thread-safe: one decoder per generation.
 */
public final class StreamingDecoder {
    private final Tokenizer tokenizer;
    private final boolean showSpecial;
    private boolean stripLeadingSpace;
    private final ByteArrayOutputStream pending = new ByteArrayOutputStream(8);

    /** Control tokens render as nothing; the first piece keeps its leading space. */
    public StreamingDecoder(Tokenizer tokenizer) {
        this(tokenizer, false, false);
    }

    /**
     * @param showSpecial       render control and unknown tokens as their text
     * @param stripLeadingSpace drop one leading space of the first non-empty piece (what detokenizing a whole SPM
     *                          sequence does; the reference server does not do this when streaming)
     */
    public StreamingDecoder(Tokenizer tokenizer, boolean showSpecial, boolean stripLeadingSpace) {
        this.tokenizer = tokenizer;
        this.showSpecial = showSpecial;
        this.stripLeadingSpace = stripLeadingSpace;
    }

    /** Adds one token; returns the text that became complete (often empty for a byte token). */
    public String accept(int id) {
        byte[] piece = tokenizer.vocabulary().pieceView(id, showSpecial);
        return acceptBytes(piece);
    }

    /** Adds raw bytes (e.g. a piece computed elsewhere); returns the text that became complete. */
    public String acceptBytes(byte[] bytes) {
        int skip = 0;
        if (stripLeadingSpace) { // only ever the first token, even when its piece is empty (like a hidden BOS)
            if (bytes.length > 0 && bytes[0] == ' ') skip = 1;
            stripLeadingSpace = false;
        }
        pending.write(bytes, skip, bytes.length - skip);
        byte[] buf = pending.toByteArray();
        int keep = incompleteTail(buf);
        if (keep == buf.length && buf.length > 0) return "";
        String text = new String(buf, 0, buf.length - keep, StandardCharsets.UTF_8);
        pending.reset();
        pending.write(buf, buf.length - keep, keep);
        return text;
    }

    /** Releases all held bytes; an unfinished character becomes U+FFFD. */
    public String flush() {
        String text = pending.size() == 0 ? "" : pending.toString(StandardCharsets.UTF_8);
        pending.reset();
        return text;
    }

    /** Bytes currently held back. */
    public int pendingBytes() {
        return pending.size();
    }

    /**
     * Length of the suffix of {@code b} that is a proper prefix of some valid UTF-8 character (0 if none): these bytes
     * must wait for more input. Anything else is either complete or already invalid.
     */
    static int incompleteTail(byte[] b) {
        int n = b.length;
        for (int back = 1; back <= 3 && back <= n; back++) {
            int lead = b[n - back] & 0xFF;
            if ((lead & 0xC0) == 0x80) continue; // continuation byte: look further back for the lead
            int need = lead >= 0xC2 && lead <= 0xDF ? 2 : lead >= 0xE0 && lead <= 0xEF ? 3 : lead >= 0xF0 && lead <= 0xF4 ? 4 : 1;
            if (need <= back) return 0; // complete, or not a multi-byte lead at all
            // the bytes after the lead must fit the lead's allowed second-byte range, then any continuation
            for (int k = 1; k < back; k++) {
                int c = b[n - back + k] & 0xFF;
                int lo = 0x80, hi = 0xBF;
                if (k == 1) {
                    if (lead == 0xE0) lo = 0xA0;
                    else if (lead == 0xED) hi = 0x9F;
                    else if (lead == 0xF0) lo = 0x90;
                    else if (lead == 0xF4) hi = 0x8F;
                }
                if (c < lo || c > hi) return 0;
            }
            return back;
        }
        return 0;
    }
}
