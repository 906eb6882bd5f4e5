package hearth.gateway.proxy;

/** {@link RelayLoopTest}'s cases with each stream relayed on its connection's own thread ({@code relay_loop: false}). */
class RelayWithoutLoopTest extends RelayLoopTest {
    @Override
    boolean relayLoop() {
        return false;
    }
}
