package hearth.gateway.proxy;

import hearth.gateway.Tier;
import java.util.ArrayList;
import java.util.Collection;
import java.util.Comparator;
import java.util.List;

/** Maps a request path to a tier by the longest matching prefix and strips that prefix. */
public final class TierRouter {
    private final List<Tier> byPrefixLength;

    /** The tier and the path the upstream sees ({@code /reasoning/v1/models} → {@code /v1/models}). */
    public record Match(Tier tier, String path) {}

    public TierRouter(Collection<Tier> tiers) {
        List<Tier> list = new ArrayList<>(tiers);
        list.sort(Comparator.comparingInt((Tier t) -> t.prefix().length()).reversed());
        this.byPrefixLength = List.copyOf(list);
    }

    /** Null when no tier's prefix matches (possible only without a {@code /} tier). */
    public Match match(String path) {
        for (Tier t : byPrefixLength) {
            String p = t.prefix();
            if (path.startsWith(p)) return new Match(t, path.substring(p.length() - 1));
            if (path.length() == p.length() - 1 && p.startsWith(path)) return new Match(t, "/");
        }
        return null;
    }

    public Tier byName(String name) {
        for (Tier t : byPrefixLength) if (t.name().equals(name)) return t;
        return null;
    }

    /** A tier whose config or upstreams name {@code model}, preferring {@code current}; null if none does. */
    public Tier servingModel(String model, Tier current) {
        if (current.serves(model)) return current;
        for (Tier t : byPrefixLength) if (t.serves(model)) return t;
        return null;
    }

    public List<Tier> tiers() {
        return byPrefixLength;
    }
}
