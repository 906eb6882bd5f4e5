package hearth.gateway.proxy;

/** {@link RelayLoopTest}'s cases with requests served on the event loop, from the request to the end of the stream. */
class EventLoopRelayTest extends RelayLoopTest {
    @Override
    boolean eventLoop() {
        return true;
    }
}
