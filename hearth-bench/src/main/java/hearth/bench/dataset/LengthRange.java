package hearth.bench.dataset;

import java.util.SplittableRandom;

/** A token length, fixed ({@code 128}) or drawn uniformly from an inclusive range ({@code 100:200}). */
public record LengthRange(int min, int max) {
    public LengthRange {
        if (min < 0 || max < min) throw new IllegalArgumentException("bad length range " + min + ":" + max);
    }

    public static LengthRange fixed(int n) {
        return new LengthRange(n, n);
    }

    /** Parses {@code N} or {@code MIN:MAX}. */
    public static LengthRange parse(String s) {
        String t = s.strip();
        int colon = t.indexOf(':');
        try {
            if (colon < 0) return fixed(Integer.parseInt(t));
            return new LengthRange(Integer.parseInt(t.substring(0, colon).strip()), Integer.parseInt(t.substring(colon + 1).strip()));
        } catch (NumberFormatException e) {
            throw new IllegalArgumentException("a length is N or MIN:MAX, got '" + s + "'");
        } catch (IllegalArgumentException e) {
            throw new IllegalArgumentException("a length is N or MIN:MAX with 0 <= MIN <= MAX, got '" + s + "'");
        }
    }

    public int sample(SplittableRandom rnd) {
        return min == max ? min : rnd.nextInt(min, max + 1);
    }

    public double mean() {
        return (min + max) / 2.0;
    }

    @Override
    public String toString() {
        return min == max ? Integer.toString(min) : min + ":" + max;
    }
}
