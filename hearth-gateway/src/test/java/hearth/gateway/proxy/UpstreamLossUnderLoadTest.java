package hearth.gateway.proxy;

import static org.assertj.core.api.Assertions.assertThat;

import hearth.gateway.Gateway;
import hearth.gateway.testing.Client;
import hearth.gateway.testing.Configs;
import hearth.gateway.testing.MockUpstream;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;

/**
 * Many concurrent streams while one of three upstreams is killed: every stream completes or ends with a clean error
 * event, only streams that were already running on the killed upstream may end in error, and nothing hangs.
 */
class UpstreamLossUnderLoadTest {
    @Test
    void killingAnUpstreamUnderLoadLosesNoRequestThatCouldBeRetried() throws Exception {
        List<MockUpstream> ups = List.of(new MockUpstream("u1", "m"), new MockUpstream("u2", "m"), new MockUpstream("u3", "m"));
        ups.forEach(u -> u.tokens(15).tokenDelayMillis(20));
        try (Gateway gw = new Gateway(Configs.withFast(ups.toArray(MockUpstream[]::new))).start();
                Client client = new Client(gw.baseUri());
                ExecutorService pool = Executors.newVirtualThreadPerTaskExecutor()) {
            List<Future<Client.Stream>> results = new ArrayList<>();
            for (int worker = 0; worker < 18; worker++) {
                int w = worker;
                for (int i = 0; i < 4; i++) {
                    int n = i;
                    results.add(pool.submit(() -> client.stream("/v1/chat/completions",
                            Client.chat("m", "worker " + w + " request " + n, 15, true), "x-session-id", "s" + w + "-" + n)));
                }
            }
            Thread.sleep(250);
            MockUpstream victim = ups.get(1);
            int runningOnVictim = victim.activeStreams();
            victim.kill();
            int completed = 0;
            int cleanErrors = 0;
            for (Future<Client.Stream> f : results) {
                Client.Stream s = f.get(20, TimeUnit.SECONDS); // never hangs
                assertThat(s.failure()).as("cut stream: %s", s).isNull();
                assertThat(s.status()).as("%s", s).isEqualTo(200);
                if (s.completed()) completed++;
                else if (s.endedWithCleanError()) cleanErrors++;
                else throw new AssertionError("neither completed nor a clean error: " + s);
            }
            assertThat(completed + cleanErrors).isEqualTo(72);
            assertThat(cleanErrors).isLessThanOrEqualTo(runningOnVictim + 2);
            assertThat(completed).isGreaterThanOrEqualTo(72 - runningOnVictim - 2);
            // after the dust settles, every new request completes on the survivors
            for (int i = 0; i < 6; i++) {
                Client.Stream s = client.stream("/v1/chat/completions", Client.chat("m", "after " + i, 3, true));
                assertThat(s.completed()).as("%s", s).isTrue();
                assertThat(s.upstream()).isNotEqualTo("u2");
            }
        } finally {
            ups.forEach(MockUpstream::close);
        }
    }
}
