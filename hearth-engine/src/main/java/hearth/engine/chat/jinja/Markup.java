package hearth.engine.chat.jinja;

/**
 * markupsafe's {@code Markup}: a string marked safe by {@code |safe}. Concatenating a plain string to it with
 * {@code +} HTML-escapes that string (which some templates rely on without meaning to).
 */
record Markup(String text) {

    /** markupsafe.escape: {@code & < > " '} become entities; Markup stays as is. */
    static Markup escape(Object value) {
        if (value instanceof Markup m) return m;
        String s = Values.str(value);
        StringBuilder sb = new StringBuilder(s.length() + 16);
        for (int i = 0; i < s.length(); i++) {
            char c = s.charAt(i);
            switch (c) {
                case '&' -> sb.append("&amp;");
                case '<' -> sb.append("&lt;");
                case '>' -> sb.append("&gt;");
                case '"' -> sb.append("&#34;");
                case '\'' -> sb.append("&#39;");
                default -> sb.append(c);
            }
        }
        return new Markup(sb.toString());
    }

    @Override
    public String toString() {
        return text;
    }
}
