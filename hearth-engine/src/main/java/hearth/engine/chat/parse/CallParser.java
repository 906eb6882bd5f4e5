package hearth.engine.chat.parse;

import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Turns the growing text of one tool-call region into calls: {@link Sink#begin} for each call's name, then argument
 * fragments. {@code update} is called with the whole region text so far; {@code complete} once its end marker came.
 */
abstract sealed class CallParser permits CallParser.JsonObject, CallParser.JsonArray, CallParser.MistralNamed,
        CallParser.KeyValue, CallParser.DeepSeek, CallParser.MistralAuto {
    interface Sink {
        void begin(String name);

        void arguments(String fragment);
    }

    /** Returns false if, once complete, the region turned out not to hold any call (its text is then shown as content). */
    abstract boolean update(CharSequence body, boolean complete, Sink sink);

    /** {"name": ..., "arguments"|"parameters": {...}} — Hermes/Qwen2.5 and Llama 3 JSON calls; arguments streamed as generated. */
    static final class JsonObject extends CallParser {
        private static final Pattern NAME = Pattern.compile("\"name\"\\s*:\\s*\"((?:[^\"\\\\]|\\\\.)*)\"");
        private static final Pattern ARGS = Pattern.compile("\"(?:arguments|parameters)\"\\s*:\\s*");
        private boolean named;
        private int argsStart = -1;
        private int emitted;
        private boolean argsDone;

        @Override
        boolean update(CharSequence body, boolean complete, Sink sink) {
            if (!named) {
                Matcher m = NAME.matcher(body);
                if (m.find()) {
                    sink.begin(JsonText.unescape(m.group(1)));
                    named = true;
                }
            }
            if (argsStart < 0) {
                Matcher m = ARGS.matcher(body);
                if (m.find()) {
                    int v = m.end();
                    while (v < body.length() && Character.isWhitespace(body.charAt(v))) v++;
                    if (v < body.length()) argsStart = emitted = v; // the value has begun
                }
            }
            if (named && argsStart >= 0 && !argsDone && argsStart < body.length()) {
                int end = JsonText.valueEnd(body, argsStart);
                if (body.charAt(argsStart) == '"') {
                    // arguments given as a JSON string holding JSON (OpenAI style): emit the decoded text once complete
                    if (end >= 0) {
                        sink.arguments(JsonText.unescape(body.subSequence(argsStart + 1, end - 1).toString()));
                        argsDone = true;
                    }
                } else {
                    int upto = end < 0 ? body.length() : end;
                    if (upto > emitted) sink.arguments(body.subSequence(emitted, upto).toString());
                    emitted = upto;
                    argsDone = end >= 0;
                }
            }
            if (complete) {
                if (!named) return false;
                if (argsStart < 0) sink.arguments("{}");
            }
            return true;
        }
    }

    /** A JSON array of call objects (Mistral's {@code [TOOL_CALLS][{...}, {...}]}), each streamed like {@link JsonObject}. */
    static final class JsonArray extends CallParser {
        private int objectStart = -1;
        private JsonObject current;
        private int calls;

        @Override
        boolean update(CharSequence body, boolean complete, Sink sink) {
            while (true) {
                if (current == null) {
                    int from = objectStart < 0 ? 0 : objectStart;
                    int brace = indexOf(body, '{', from);
                    if (brace < 0) break;
                    objectStart = brace;
                    current = new JsonObject();
                }
                CharSequence obj = body.subSequence(objectStart, body.length());
                int end = JsonText.valueEnd(obj, 0);
                current.update(end < 0 ? obj : obj.subSequence(0, end), end >= 0, sink);
                if (end < 0) break;
                calls++;
                objectStart += end;
                current = null;
            }
            return !complete || calls > 0;
        }

        private static int indexOf(CharSequence s, char c, int from) {
            for (int i = from; i < s.length(); i++) if (s.charAt(i) == c) return i;
            return -1;
        }
    }

    /** {@code NAME[CALL_ID]id[ARGS]{json}} or {@code NAME[ARGS]{json}} (Mistral Small 3.2, Devstral). */
    static final class MistralNamed extends CallParser {
        private boolean named;
        private int emitted = -1;

        @Override
        boolean update(CharSequence body, boolean complete, Sink sink) {
            String s = body.toString();
            int args = s.indexOf("[ARGS]");
            if (!named) {
                int nameEnd = firstOf(s, "[CALL_ID]", "[ARGS]");
                if (nameEnd < 0) {
                    if (!complete) return true;
                    nameEnd = s.length();
                }
                sink.begin(s.substring(0, nameEnd).strip());
                named = true;
            }
            if (args >= 0) {
                int start = args + "[ARGS]".length();
                if (emitted < 0) emitted = start;
                int end = JsonText.valueEnd(s, start);
                int upto = end < 0 ? s.length() : end;
                if (upto > emitted) sink.arguments(s.substring(emitted, upto));
                emitted = Math.max(emitted, upto);
            } else if (complete) {
                sink.arguments("{}");
            }
            return true;
        }

        private static int firstOf(String s, String a, String b) {
            int i = s.indexOf(a), j = s.indexOf(b);
            return i < 0 ? j : j < 0 ? i : Math.min(i, j);
        }
    }

    /**
     * Calls whose arguments come as key/value markup, converted to a JSON object one argument at a time: GLM-4.5
     * ({@code name\n<arg_key>k</arg_key>\n<arg_value>v</arg_value>}) and Qwen3-Coder
     * ({@code <function=name><parameter=k>\nv\n</parameter></function>}). Values are typed by the tool's schema
     * where known ({@link ToolParameters}).
     */
    static final class KeyValue extends CallParser {
        private final Pattern name;
        private final Pattern pair;
        private final boolean trimNewlines;
        private final ToolParameters parameters;
        private String tool;
        private int pairs;
        private int scanned;

        private KeyValue(Pattern name, Pattern pair, boolean trimNewlines, ToolParameters parameters) {
            this.name = name;
            this.pair = pair;
            this.trimNewlines = trimNewlines;
            this.parameters = parameters;
        }

        static KeyValue glm(ToolParameters parameters) {
            return new KeyValue(Pattern.compile("^\\s*([^\\n<]+?)\\s*(?:\\n|<arg_key>)"),
                    Pattern.compile("<arg_key>(.*?)</arg_key>\\s*<arg_value>(.*?)</arg_value>", Pattern.DOTALL), false, parameters);
        }

        static KeyValue qwen3Coder(ToolParameters parameters) {
            return new KeyValue(Pattern.compile("<function=([^>\\n]+)>"),
                    Pattern.compile("<parameter=([^>\\n]+)>(.*?)</parameter>", Pattern.DOTALL), true, parameters);
        }

        private String value(String key, String raw) {
            return switch (parameters.kind(tool, key)) {
                case TEXT -> JsonText.quote(raw);
                case JSON -> JsonText.isValue(raw) ? raw.strip() : JsonText.quote(raw);
                case UNKNOWN -> JsonText.argumentValue(raw);
            };
        }

        @Override
        boolean update(CharSequence body, boolean complete, Sink sink) {
            if (tool == null) {
                Matcher m = name.matcher(body);
                if (m.find()) {
                    tool = m.group(1).strip();
                } else if (complete) {
                    String whole = body.toString().strip();
                    if (whole.isEmpty() || whole.contains("<")) return false;
                    tool = whole;
                } else {
                    return true;
                }
                sink.begin(tool);
            }
            Matcher m = pair.matcher(body);
            while (m.find(scanned)) {
                String value = m.group(2);
                if (trimNewlines) value = value.replaceFirst("^\\n", "").replaceFirst("\\n$", "");
                String key = m.group(1).strip();
                sink.arguments((pairs == 0 ? "{" : ", ") + JsonText.quote(key) + ": " + value(key, value));
                pairs++;
                scanned = m.end();
            }
            if (complete) sink.arguments(pairs == 0 ? "{}" : "}");
            return true;
        }
    }

    /**
     * DeepSeek: R1 {@code function<｜tool▁sep｜>NAME\n```json\nARGS\n```} or V3.1 {@code NAME<｜tool▁sep｜>ARGS}
     * (the text between tool-call begin and end markers).
     */
    static final class DeepSeek extends CallParser {
        static final String SEP = "<｜tool▁sep｜>";
        private boolean named;
        private int argsStart = -1;
        private int emitted;

        @Override
        boolean update(CharSequence body, boolean complete, Sink sink) {
            String s = body.toString();
            int sep = s.indexOf(SEP);
            if (sep < 0) {
                if (complete) return false;
                return true;
            }
            String before = s.substring(0, sep).strip();
            String after = s.substring(sep + SEP.length());
            boolean r1 = before.equals("function");
            if (!named) {
                if (r1) {
                    int nl = after.indexOf('\n');
                    if (nl < 0 && !complete) return true;
                    sink.begin((nl < 0 ? after : after.substring(0, nl)).strip());
                } else {
                    sink.begin(before);
                }
                named = true;
            }
            if (argsStart < 0) {
                if (r1) {
                    int fence = s.indexOf("```json", sep);
                    if (fence < 0) {
                        if (complete) sink.arguments("{}");
                        return true;
                    }
                    int nl = s.indexOf('\n', fence);
                    if (nl < 0) return true;
                    argsStart = nl + 1;
                } else {
                    argsStart = sep + SEP.length();
                }
                while (argsStart < s.length() && Character.isWhitespace(s.charAt(argsStart))) argsStart++;
                emitted = argsStart;
            }
            int end = argsStart < s.length() ? JsonText.valueEnd(s, argsStart) : -1;
            int upto = end < 0 ? s.length() : end;
            if (end < 0 && r1) upto = Math.min(upto, Math.max(emitted, s.length() - 4)); // hold a possible "\n```"
            if (upto > emitted) sink.arguments(s.substring(emitted, upto));
            emitted = Math.max(emitted, upto);
            return true;
        }
    }

    /** Mistral after {@code [TOOL_CALLS]}: a JSON array of calls, or the newer {@code NAME[ARGS]{...}} form. */
    static final class MistralAuto extends CallParser {
        private CallParser chosen;

        @Override
        boolean update(CharSequence body, boolean complete, Sink sink) {
            if (chosen == null) {
                String t = body.toString().stripLeading();
                if (t.isEmpty()) return !complete;
                chosen = t.charAt(0) == '[' ? new JsonArray() : new MistralNamed();
            }
            return chosen.update(body, complete, sink);
        }
    }
}
