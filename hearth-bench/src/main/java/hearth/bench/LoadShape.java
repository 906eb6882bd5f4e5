package hearth.bench;

import java.util.LinkedHashMap;
import java.util.Map;
import java.util.SplittableRandom;

/** How requests are offered to the server. */
public sealed interface LoadShape {
    /** Closed loop: {@code concurrency} clients, each sending its next request as soon as the previous one ends. */
    record Closed(int concurrency) implements LoadShape {
        public Closed {
            if (concurrency < 1) throw new IllegalArgumentException("concurrency must be >= 1, got " + concurrency);
        }

        @Override
        public String describe() {
            return "concurrency " + concurrency;
        }

        @Override
        public Map<String, Object> parameters() {
            Map<String, Object> p = new LinkedHashMap<>();
            p.put("mode", "closed");
            p.put("concurrency", concurrency);
            return p;
        }
    }

    /**
     * Open loop, vLLM's arrival process: new requests (new conversations in the agent replay) arrive with gaps drawn
     * from a gamma distribution of mean {@code 1/rate} seconds and shape {@code burstiness} (1 = Poisson; below 1
     * burstier, above 1 more regular). {@code rate} may be infinite (all at once). {@code maxConcurrency > 0}
     * holds arrivals back while that many requests are in flight, as vLLM's {@code --max-concurrency} does.
     */
    record Poisson(double rate, double burstiness, int maxConcurrency) implements LoadShape {
        public Poisson {
            if (!(rate > 0)) throw new IllegalArgumentException("request rate must be > 0, got " + rate);
            if (!(burstiness > 0) || Double.isInfinite(burstiness)) throw new IllegalArgumentException("burstiness must be > 0, got " + burstiness);
            if (maxConcurrency < 0) throw new IllegalArgumentException("max concurrency must be >= 0");
        }

        /** The wait before the next arrival, in nanoseconds. */
        public long nextGapNanos(SplittableRandom rnd) {
            if (Double.isInfinite(rate)) return 0;
            double scale = 1.0 / (rate * burstiness);
            return (long) (Gamma.sample(rnd, burstiness) * scale * 1e9);
        }

        @Override
        public String describe() {
            String r = Double.isInfinite(rate) ? "inf" : Fmt.num(rate);
            return "request rate " + r + "/s" + (burstiness != 1 ? " burstiness " + Fmt.num(burstiness) : "")
                    + (maxConcurrency > 0 ? " max concurrency " + maxConcurrency : "");
        }

        @Override
        public Map<String, Object> parameters() {
            Map<String, Object> p = new LinkedHashMap<>();
            p.put("mode", "poisson");
            p.put("request_rate", Double.isInfinite(rate) ? "inf" : rate);
            p.put("burstiness", burstiness);
            p.put("max_concurrency", maxConcurrency == 0 ? null : maxConcurrency);
            return p;
        }
    }

    String describe();

    Map<String, Object> parameters();

    /** Gamma(shape, 1) variates by Marsaglia and Tsang's method (with the shape+1 boost below 1). */
    final class Gamma {
        private Gamma() {}

        static double sample(SplittableRandom rnd, double shape) {
            if (shape < 1) {
                double u = rnd.nextDouble();
                return sample(rnd, shape + 1) * Math.pow(u == 0 ? Double.MIN_VALUE : u, 1 / shape);
            }
            double d = shape - 1.0 / 3, c = 1 / Math.sqrt(9 * d);
            while (true) {
                double x = rnd.nextGaussian();
                double v = 1 + c * x;
                if (v <= 0) continue;
                v = v * v * v;
                double u = rnd.nextDouble();
                if (u < 1 - 0.0331 * x * x * x * x) return d * v;
                if (Math.log(u) < 0.5 * x * x + d * (1 - v + Math.log(v))) return d * v;
            }
        }
    }
}
