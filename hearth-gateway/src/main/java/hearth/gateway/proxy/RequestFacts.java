package hearth.gateway.proxy;

/**
 * What routing needs from a request body: the requested {@code model} (null if none) and an affinity key
 * (0 = none) that is equal for requests of the same conversation.
 */
public record RequestFacts(String model, long affinityKey) {
    public static final RequestFacts NONE = new RequestFacts(null, 0);
}
