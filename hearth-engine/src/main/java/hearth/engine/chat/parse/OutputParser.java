package hearth.engine.chat.parse;

import java.util.ArrayList;
import java.util.List;
import java.util.UUID;

/**
 * Splits a streamed assistant turn into content, reasoning and tool calls, as the text is generated. Text that may be
 * the start of a marker is held back until it is known (like stop strings), so markup never reaches the content.
 * One parser per generation; not thread-safe.
 */
public final class OutputParser {
    private enum Mode { CONTENT, REASONING, TOOL }

    private final ToolCallFormat format;
    private final ReasoningMarkers reasoning; // null: no reasoning split
    private final ToolParameters parameters;
    private final StringBuilder pending = new StringBuilder();
    private Mode mode;
    private boolean atStart = true;
    // the tool-call region being read
    private CallParser parser;
    private final StringBuilder body = new StringBuilder();
    private String regionStart;
    private boolean bareJson;
    private int calls;
    private List<ChatDelta> out;

    /**
     * @param format           tool-call markup to recognise (NONE: none)
     * @param reasoning        thinking markers, or null to leave them in the content
     * @param startInReasoning the prompt already opened a thinking block (see {@link ReasoningMarkers#opensIn})
     */
    public OutputParser(ToolCallFormat format, ReasoningMarkers reasoning, boolean startInReasoning) {
        this(format, reasoning, startInReasoning, ToolParameters.NONE);
    }

    /** @param parameters the offered tools' schemas, to type arguments that key/value markup writes as bare text */
    public OutputParser(ToolCallFormat format, ReasoningMarkers reasoning, boolean startInReasoning, ToolParameters parameters) {
        this.format = format;
        this.reasoning = reasoning;
        this.parameters = parameters == null ? ToolParameters.NONE : parameters;
        this.mode = startInReasoning && reasoning != null ? Mode.REASONING : Mode.CONTENT;
    }

    /** Number of tool calls found so far. */
    public int toolCalls() {
        return calls;
    }

    public List<ChatDelta> feed(String text) {
        out = new ArrayList<>();
        pending.append(text);
        boolean progress = true;
        while (progress && !pending.isEmpty()) {
            progress = switch (mode) {
                case CONTENT -> content(false);
                case REASONING -> reasoning(false);
                case TOOL -> tool(false);
            };
        }
        return out;
    }

    /** Ends the turn: releases held text and completes an unterminated tool call. */
    public List<ChatDelta> finish() {
        out = new ArrayList<>();
        switch (mode) {
            case CONTENT -> content(true);
            case REASONING -> reasoning(true);
            case TOOL -> tool(true);
        }
        return out;
    }

    private boolean content(boolean last) {
        if (atStart && format == ToolCallFormat.LLAMA3) {
            String t = pending.toString().stripLeading();
            if (t.isEmpty() && !last) return false;
            if (t.startsWith("{")) {
                pending.delete(0, pending.length() - t.length());
                enterTool("", true);
                return true;
            }
        }
        List<String> markers = new ArrayList<>(4);
        if (reasoning != null) markers.add(reasoning.start());
        if (format.start != null) markers.add(format.start);
        markers.addAll(format.wrappers);
        int best = -1;
        String found = null;
        for (String m : markers) {
            int i = pending.indexOf(m);
            if (i >= 0 && (best < 0 || i < best)) {
                best = i;
                found = m;
            }
        }
        if (found == null) {
            int keep = last ? 0 : partialSuffix(markers);
            emitContent(pending.length() - keep);
            return false;
        }
        emitContent(best);
        pending.delete(0, found.length());
        if (reasoning != null && found.equals(reasoning.start())) mode = Mode.REASONING;
        else if (found.equals(format.start)) enterTool(found, false);
        return true;
    }

    private void emitContent(int n) {
        if (n <= 0) return;
        String s = pending.substring(0, n);
        pending.delete(0, n);
        if (atStart) {
            s = s.stripLeading(); // leading whitespace before anything else is dropped, like llama-server
            if (s.isEmpty()) return;
            atStart = false;
        }
        out.add(new ChatDelta.Content(s));
    }

    private boolean reasoning(boolean last) {
        int i = pending.indexOf(reasoning.end());
        if (i < 0) {
            int keep = last ? 0 : partialSuffix(List.of(reasoning.end()));
            emitReasoning(pending.length() - keep);
            return false;
        }
        emitReasoning(i);
        pending.delete(0, reasoning.end().length());
        mode = Mode.CONTENT;
        atStart = true; // content after thinking starts fresh (leading newlines dropped)
        return true;
    }

    private void emitReasoning(int n) {
        if (n <= 0) return;
        out.add(new ChatDelta.Reasoning(pending.substring(0, n)));
        pending.delete(0, n);
    }

    private void enterTool(String marker, boolean bare) {
        mode = Mode.TOOL;
        parser = format.newParser(parameters);
        body.setLength(0);
        regionStart = marker;
        bareJson = bare;
        atStart = false;
    }

    private boolean tool(boolean last) {
        boolean complete;
        if (bareJson) {
            body.append(pending);
            pending.setLength(0);
            int end = JsonText.valueEnd(body, 0);
            complete = end >= 0 || last;
            if (end >= 0 && end < body.length()) {
                pending.append(body, end, body.length());
                body.setLength(end);
            }
        } else if (format.end == null) {
            body.append(pending);
            pending.setLength(0);
            complete = last;
        } else {
            int i = pending.indexOf(format.end);
            if (i >= 0) {
                body.append(pending, 0, i);
                pending.delete(0, i + (format.end.equals(format.start) ? 0 : format.end.length()));
                complete = true;
            } else {
                int keep = last ? 0 : partialSuffix(List.of(format.end));
                body.append(pending, 0, pending.length() - keep);
                pending.delete(0, pending.length() - keep);
                complete = last;
            }
        }
        boolean ok = parser.update(body, complete, sink);
        if (complete) {
            mode = Mode.CONTENT;
            if (!ok) out.add(new ChatDelta.Content(regionStart + body));
            return true;
        }
        return false;
    }

    private final CallParser.Sink sink = new CallParser.Sink() {
        @Override
        public void begin(String name) {
            calls++;
            out.add(new ChatDelta.ToolCall(calls - 1, "call_" + UUID.randomUUID().toString().replace("-", "").substring(0, 24), name, ""));
        }

        @Override
        public void arguments(String fragment) {
            if (!fragment.isEmpty()) out.add(new ChatDelta.ToolCall(calls - 1, null, null, fragment));
        }
    };

    private int partialSuffix(List<String> markers) {
        return PartialMatch.heldSuffix(pending, markers);
    }
}
