package hearth.engine.tokenizer;

import java.util.ArrayList;
import java.util.List;

/**
 * Splits text into words before byte-level BPE, one definition per {@code tokenizer.ggml.pre} family. Each family is
 * the list of pattern steps the reference applies in order (each step splits the fragments left by the previous one).
 * Words come out in byte-level spelling ({@link ByteLevel}), ready for the merges.
 */
public final class PreTokenizer {
    private static final String GPT2 = "'s|'t|'re|'ve|'m|'ll|'d| ?\\p{L}+| ?\\p{N}+| ?[^\\s\\p{L}\\p{N}]+|\\s+(?!\\S)";
    private static final String QWEN2 =
            "(?:'[sS]|'[tT]|'[rR][eE]|'[vV][eE]|'[mM]|'[lL][lL]|'[dD])|[^\\r\\n\\p{L}\\p{N}]?\\p{L}+|\\p{N}| ?[^\\s\\p{L}\\p{N}]+[\\r\\n]*|\\s*[\\r\\n]+|\\s+(?!\\S)|\\s+";
    private static final String TEKKEN =
            "[^\\r\\n\\p{L}\\p{N}]?((?=[\\p{L}])([^a-z]))*((?=[\\p{L}])([^A-Z]))+|[^\\r\\n\\p{L}\\p{N}]?((?=[\\p{L}])([^a-z]))+((?=[\\p{L}])([^A-Z]))*|\\p{N}| ?[^\\s\\p{L}\\p{N}]+[\\r\\n/]*|\\s*[\\r\\n]+|\\s+(?!\\S)|\\s+";
    private static final String CJK = "[\\x{4E00}-\\x{9FA5}\\x{800}-\\x{4E00}\\x{AC00}-\\x{D7FF}]+";
    /** Letters of the scripts DeepSeek-LLM keeps together (from its tokenizer definition). */
    private static final String DEEPSEEK_LETTERS = "\\s?[A-Za-z\\x{B5}\\x{C0}-\\x{D6}\\x{D8}-\\x{F6}\\x{F8}-\\x{1BA}"
            + "\\x{1BC}-\\x{1BF}\\x{1C4}-\\x{293}\\x{295}-\\x{2AF}\\x{370}-\\x{373}\\x{376}\\x{377}\\x{37B}-\\x{37D}"
            + "\\x{37F}\\x{386}\\x{388}-\\x{38A}\\x{38C}\\x{38E}-\\x{3A1}\\x{3A3}-\\x{3F5}\\x{3F7}-\\x{481}"
            + "\\x{48A}-\\x{52F}\\x{531}-\\x{556}\\x{10A0}-\\x{10C5}\\x{13A0}-\\x{13F5}\\x{13F8}-\\x{13FD}"
            + "\\x{1C90}-\\x{1CBA}\\x{1CBD}-\\x{1CBF}\\x{1D00}-\\x{1D2B}\\x{1D6B}-\\x{1D77}\\x{1D79}-\\x{1D9A}"
            + "\\x{1E00}-\\x{1F15}\\x{1F18}-\\x{1F1D}\\x{1F20}-\\x{1F45}\\x{1F48}-\\x{1F4D}\\x{1F50}-\\x{1F57}"
            + "\\x{1F59}\\x{1F5B}\\x{1F5D}\\x{1F5F}-\\x{1F7D}\\x{1F80}-\\x{1FB4}\\x{1FB6}-\\x{1FBC}\\x{1FBE}"
            + "\\x{1FC2}-\\x{1FC4}\\x{1FC6}-\\x{1FCC}\\x{1FD0}-\\x{1FD3}\\x{1FD6}-\\x{1FDB}\\x{1FE0}-\\x{1FEC}"
            + "\\x{1FF2}-\\x{1FF4}\\x{1FF6}-\\x{1FFC}\\x{2102}\\x{2107}\\x{210A}-\\x{2113}\\x{2115}\\x{2119}-\\x{211D}"
            + "\\x{2124}\\x{2126}\\x{2128}\\x{212A}-\\x{212D}\\x{212F}-\\x{2134}\\x{2139}\\x{213C}-\\x{213F}"
            + "\\x{2145}-\\x{2149}\\x{214E}\\x{2183}\\x{2184}\\x{2C00}-\\x{2C7B}\\x{2C7E}-\\x{2CE4}\\x{2CEB}-\\x{2CEE}"
            + "\\x{2CF2}\\x{2CF3}\\x{A640}-\\x{A66D}\\x{A680}-\\x{A69B}\\x{A722}-\\x{A76F}\\x{A771}-\\x{A787}"
            + "\\x{A78B}-\\x{A78E}\\x{AB70}-\\x{ABBF}\\x{FB00}-\\x{FB06}\\x{FB13}-\\x{FB17}\\x{FF21}-\\x{FF3A}"
            + "\\x{FF41}-\\x{FF5A}\\x{10400}-\\x{1044F}\\x{104B0}-\\x{104D3}\\x{104D8}-\\x{104FB}\\x{10C80}-\\x{10CB2}"
            + "\\x{10CC0}-\\x{10CF2}\\x{118A0}-\\x{118DF}\\x{1E900}-\\x{1E943}]+";
    private static final String DEEPSEEK_PUNCTUATION =
            "\\s?[!-/:-~\\x{FF01}-\\x{FF0F}\\x{FF1A}-\\x{FF5E}\\x{2018}-\\x{201F}\\x{3000}-\\x{3002}]+";
    private static final String DEEPSEEK3 = "[!\"#$%&'()*+,\\-./:;<=>?@\\[\\\\\\]^_`{|}~][A-Za-z]+"
            + "|[^\r\n\\p{L}\\p{P}\\p{S}]?[\\p{L}\\p{M}]+| ?[\\p{P}\\p{S}]+[\r\n]*|\\s*[\r\n]+|\\s+(?!\\S)|\\s+";
    private static final String PORO = " ?[^(\\s|.,!?\\x{2026}\\x{3002}\\x{FF0C}\\x{3001}\\x{964}\\x{6D4}\\x{60C})]+";

    private final String family;
    private final List<SplitRule> rules;

    private PreTokenizer(String family, List<SplitRule> rules) {
        this.family = family;
        this.rules = List.copyOf(rules);
    }

    /** The family name (e.g. {@code llama3}, {@code gpt2}, {@code default}) this pre-tokenizer implements. */
    public String family() {
        return family;
    }

    /**
     * The pre-tokenizer of a family, named as the reference's pre-tokenizer types are ({@code default}, {@code llama3},
     * {@code dbrx}, {@code smaug}, {@code chatglm4}, {@code deepseek-llm}, {@code deepseek3}, {@code deepseek-coder},
     * {@code falcon}, {@code starcoder}, {@code gpt2}, {@code qwen2}, {@code poro}, {@code viking}, {@code tekken},
     * {@code chameleon}). {@link BpeSettings#forPre} maps {@code tokenizer.ggml.pre} values to these.
     */
    static PreTokenizer family(String family) {
        List<SplitRule> r = new ArrayList<>();
        switch (family) {
            case "llama3", "dbrx", "smaug", "chatglm4" -> r.add(new Llama3Split());
            case "deepseek-llm" -> {
                r.add(RegexSplit.of("[\r\n]"));
                r.add(RegexSplit.of(DEEPSEEK_LETTERS));
                r.add(RegexSplit.of(DEEPSEEK_PUNCTUATION));
                r.add(RegexSplit.of("\\s+$"));
                r.add(RegexSplit.of(CJK));
                r.add(RegexSplit.of("\\p{N}+"));
            }
            case "deepseek3" -> {
                r.add(RegexSplit.of("\\p{N}{1,3}"));
                r.add(RegexSplit.of("[\\x{4E00}-\\x{9FA5}\\x{3040}-\\x{309F}\\x{30A0}-\\x{30FF}]+"));
                r.add(RegexSplit.of(DEEPSEEK3));
            }
            case "deepseek-coder" -> {
                r.add(RegexSplit.of("[\r\n]"));
                r.add(RegexSplit.of("\\s?\\p{L}+"));
                r.add(RegexSplit.of("\\s?\\p{P}+"));
                r.add(RegexSplit.of(CJK));
                r.add(RegexSplit.of("\\p{N}"));
            }
            case "falcon" -> {
                r.add(RegexSplit.of("[\\p{P}\\$\\+<=>\\^~\\|`]+"));
                r.add(new Gpt2Split());
                r.add(RegexSplit.of("[0-9][0-9][0-9]"));
            }
            case "starcoder" -> {
                r.add(RegexSplit.of("\\p{N}"));
                r.add(new Gpt2Split());
            }
            case "gpt2" -> r.add(new Gpt2Split());
            case "qwen2" -> r.add(RegexSplit.of(QWEN2));
            case "poro" -> r.add(RegexSplit.of(PORO));
            case "viking" -> {
                r.add(RegexSplit.of(PORO));
                r.add(RegexSplit.of("\\p{N}"));
            }
            case "tekken" -> r.add(RegexSplit.of(TEKKEN));
            case "chameleon" -> {
                r.add(RegexSplit.of("<sentinel:[0-9]+>"));
                r.add(RegexSplit.of("(IMGIMG)((A|B|C|D|E|F|G|H|I){1,4})Z"));
                r.add(RegexSplit.of("([\\t\\n]|    |  )"));
                r.add(RegexSplit.of("\\p{N}"));
                r.add(RegexSplit.of("[\\p{P}!-/:-@\\[-`{-~]"));
                r.add(new Gpt2Split());
            }
            case "default" -> {
                r.add(RegexSplit.of("[\\p{P}\\$\\+<=>\\^~\\|]+"));
                r.add(new Gpt2Split());
                r.add(RegexSplit.of("\\p{N}+"));
                r.add(RegexSplit.of("[0-9][0-9][0-9]"));
            }
            default -> throw new IllegalArgumentException("unknown pre-tokenizer family '" + family + "'");
        }
        return new PreTokenizer(family, r);
    }

    /** Word lengths in code points after all steps. */
    int[] splitLengths(SplitText text) {
        IntList current = new IntList(1);
        current.add(text.cps.length);
        for (SplitRule rule : rules) {
            IntList next = new IntList(current.size() * 2 + 4);
            rule.split(text, current, next);
            current = next;
        }
        return current.toArray();
    }

    /** The words of {@code utf8}, each in byte-level spelling. */
    List<String> words(byte[] utf8) {
        int[] cps = Utf8.codePoints(utf8);
        int[] lengths = splitLengths(new SplitText(cps));
        List<String> words = new ArrayList<>(lengths.length);
        java.io.ByteArrayOutputStream buf = new java.io.ByteArrayOutputStream();
        int start = 0;
        for (int len : lengths) {
            buf.reset();
            for (int i = start; i < start + len; i++) Utf8.append(buf, cps[i]);
            byte[] b = buf.toByteArray();
            words.add(ByteLevel.encode(b, 0, b.length));
            start += len;
        }
        return words;
    }

    /** The words of {@code text} in byte-level spelling (what the merges see). */
    public List<String> split(String text) {
        return words(Utf8.encode(text));
    }

    @Override
    public String toString() {
        return "PreTokenizer[" + family + "]";
    }
}
