package hearth.gateway.front;

/** {@link FrontServerTest}'s cases with the connections on an event loop, and {@code /l/} paths answered there. */
class LoopFrontServerTest extends FrontServerTest {
    @Override
    boolean eventLoop() {
        return true;
    }
}
