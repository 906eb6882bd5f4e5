package hearth.server.backend;

import java.util.Arrays;
import java.util.Locale;

/** What {@code --backend} names: the engine in this process, a supervised child engine, or a remote API. */
public enum EngineKind {
    EMBEDDED("embedded"),
    LLAMA_SERVER("llama-server"),
    VLLM("vllm"),
    SGLANG("sglang"),
    OPENAI("openai");

    private final String flag;

    EngineKind(String flag) {
        this.flag = flag;
    }

    /** The spelling on the command line and in profiles. */
    public String flag() {
        return flag;
    }

    /** True for engines Hearth starts as child processes. */
    public boolean external() {
        return this == LLAMA_SERVER || this == VLLM || this == SGLANG;
    }

    public static EngineKind parse(String s) {
        String v = s.strip().toLowerCase(Locale.ROOT).replace('_', '-');
        for (EngineKind k : values()) if (k.flag.equals(v)) return k;
        if (v.equals("llama.cpp") || v.equals("llamacpp")) return LLAMA_SERVER;
        throw new IllegalArgumentException("unknown backend '" + s + "'; one of "
                + String.join(", ", Arrays.stream(values()).map(EngineKind::flag).toList()));
    }
}
