package hearth.bench;

import java.util.ArrayList;
import java.util.List;
import java.util.Locale;

/** Several load points in one run: {@code concurrency=1,2,4,8} or {@code request-rate=1,2,4}. */
public record Sweep(Parameter parameter, List<Double> values) {
    public enum Parameter { CONCURRENCY, REQUEST_RATE }

    public Sweep {
        values = List.copyOf(values);
        if (values.isEmpty()) throw new IllegalArgumentException("a sweep needs at least one value");
    }

    public static Sweep parse(String s) {
        int eq = s.indexOf('=');
        if (eq < 0) throw new IllegalArgumentException("a sweep is concurrency=1,2,4 or request-rate=1,2,4; got '" + s + "'");
        String key = s.substring(0, eq).strip().toLowerCase(Locale.ROOT).replace('_', '-');
        Parameter p = switch (key) {
            case "concurrency", "max-concurrency" -> Parameter.CONCURRENCY;
            case "request-rate", "rate" -> Parameter.REQUEST_RATE;
            default -> throw new IllegalArgumentException("can sweep concurrency or request-rate, not '" + key + "'");
        };
        List<Double> vs = new ArrayList<>();
        for (String v : s.substring(eq + 1).split(",")) {
            if (v.isBlank()) continue;
            double d;
            try {
                d = v.strip().equalsIgnoreCase("inf") ? Double.POSITIVE_INFINITY : Double.parseDouble(v.strip());
            } catch (NumberFormatException e) {
                throw new IllegalArgumentException("sweep value '" + v.strip() + "' is not a number");
            }
            if (!(d > 0)) throw new IllegalArgumentException("sweep values must be > 0, got " + v.strip());
            if (p == Parameter.CONCURRENCY && (d != Math.rint(d) || Double.isInfinite(d))) {
                throw new IllegalArgumentException("concurrency must be a whole number, got " + v.strip());
            }
            vs.add(d);
        }
        return new Sweep(p, vs);
    }

    /**
     * The shape for one point: concurrency values turn a closed loop's client count (or a rate's cap), rate values
     * turn the base into an open loop at that rate (keeping its burstiness and cap).
     */
    public LoadShape apply(LoadShape base, double value) {
        return switch (parameter) {
            case CONCURRENCY -> switch (base) {
                case LoadShape.Closed c -> new LoadShape.Closed((int) value);
                case LoadShape.Poisson p -> new LoadShape.Poisson(p.rate(), p.burstiness(), (int) value);
            };
            case REQUEST_RATE -> switch (base) {
                case LoadShape.Closed c -> new LoadShape.Poisson(value, 1, 0);
                case LoadShape.Poisson p -> new LoadShape.Poisson(value, p.burstiness(), p.maxConcurrency());
            };
        };
    }

    public String label() {
        return parameter == Parameter.CONCURRENCY ? "concurrency" : "request_rate";
    }
}
