package hearth.engine.grammar;

import static org.assertj.core.api.Assertions.assertThat;

import hearth.engine.TestData;
import hearth.engine.sample.Sampler;
import hearth.engine.sample.SamplingParams;
import hearth.engine.tokenizer.Tokenizer;
import java.nio.charset.StandardCharsets;
import java.util.SplittableRandom;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/**
 * What the grammar costs per sampled token on real vocabularies, with random logits (the worst case: the favourite
 * token is rarely allowed, so the vocabulary mask is needed often). Times are thread CPU time, so a busy machine
 * does not inflate them. Prints the numbers; asserts a generous bound.
 */
class GrammarSamplingOverheadTest {
    private static final java.lang.management.ThreadMXBean CPU = java.lang.management.ManagementFactory.getThreadMXBean();
    private static final String SCHEMA = """
            {"type":"object","properties":{"path":{"type":"string"},"line":{"type":"integer"},
             "tags":{"type":"array","items":{"type":"string"}},"mode":{"enum":["add","remove","replace"]}},
             "required":["path","line"]}""";

    @ParameterizedTest(name = "{0}, temperature {1}")
    @CsvSource({"models/llama-2-tiny-random.gguf, 0", "models/llama-2-tiny-random.gguf, 1"})
    void grammarWorkPerTokenStaysSmall(String file, float temperature) throws Exception {
        Tokenizer tok = Tokenizer.fromGguf(TestData.require(file));
        int vocab = tok.vocabularySize();
        long t0 = System.nanoTime();
        TokenIndex index = TokenIndex.of(tok, vocab);
        long indexNanos = System.nanoTime() - t0;
        Grammar g = JsonSchemaGrammar.fromSchema(JsonSchemaGrammarTest.schema(SCHEMA));
        SamplingParams base = SamplingParams.defaults().withTemperature(temperature).withSeed(5L);
        float[] logits = new float[vocab];
        int steps = 250;
        long plain = 0, constrained = 0, worst = 0;
        int counted = 0;
        SplittableRandom rnd = new SplittableRandom(11);
        for (int round = 0; round < 2; round++) { // round 0 warms up the JIT
            Sampler free = new Sampler(base, vocab);
            Sampler withGrammar = new Sampler(base.withGrammar(g), vocab, index);
            StringBuilder out = new StringBuilder();
            long p = 0, c = 0;
            for (int i = 0; i < steps && !withGrammar.constraint().complete(); i++) {
                for (int j = 0; j < vocab; j++) logits[j] = (float) rnd.nextGaussian() * 3f;
                float[] copy = logits.clone();
                long a = CPU.getCurrentThreadCpuTime();
                free.sample(copy);
                long b = CPU.getCurrentThreadCpuTime();
                int t = withGrammar.sample(logits);
                long e = CPU.getCurrentThreadCpuTime();
                p += b - a;
                c += e - b;
                if (round > 0) {
                    worst = Math.max(worst, (e - b) - (b - a));
                    counted++;
                }
                out.append(new String(tok.piece(t, false), StandardCharsets.UTF_8));
            }
            if (round > 0) {
                plain += p;
                constrained += c;
            }
            assertThat(g.isPrefix(out.toString())).as(out.toString()).isTrue();
        }
        double perTokenMs = (constrained - plain) / 1e6 / counted;
        System.out.printf("grammar overhead %s (vocab %d, %d trie nodes, index %.0f ms), T=%.1f: %.3f ms/token over %d tokens, worst %.2f ms (sampler alone %.3f ms)%n",
                file, vocab, index.nodeCount(), indexNanos / 1e6, temperature, perTokenMs, counted, worst / 1e6, plain / 1e6 / counted);
        assertThat(perTokenMs).isLessThan(5.0);
    }
}
