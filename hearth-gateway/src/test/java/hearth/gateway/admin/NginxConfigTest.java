package hearth.gateway.admin;

import static org.assertj.core.api.Assertions.assertThat;

import hearth.gateway.Gateway;
import hearth.gateway.GatewayConfig;
import hearth.gateway.GatewayConfig.StaticUpstream;
import hearth.gateway.GatewayConfig.TierConfig;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** {@code --print-nginx}: the equivalent nginx site, checked by {@code nginx -t} where nginx is installed. */
class NginxConfigTest {
    @TempDir
    Path dir;

    private GatewayConfig config() throws Exception {
        Files.writeString(dir.resolve("r1.json"),
                "{\"name\":\"r1\",\"tier\":\"reasoning\",\"host\":\"10.0.0.5\",\"port\":8081,\"job_id\":\"77\"}");
        GatewayConfig d = GatewayConfig.defaults().withListen("127.0.0.1", 18080);
        List<TierConfig> tiers = new ArrayList<>();
        for (TierConfig t : d.tiers())
            tiers.add(t.name().equals("fast") ? t.withUpstreams(List.of(StaticUpstream.of("f1", "http://10.0.0.5:8080"),
                    StaticUpstream.of("f2", "http://10.0.0.6:8080"))) : t);
        return d.withTiers(tiers).withRegistry(new GatewayConfig.RegistryConfig(dir, d.registry().rescan(),
                d.registry().heartbeatTtl(), null, d.registry().httpTtl()));
    }

    @Test
    void everyTierBecomesAnUpstreamAndAPrefixStrippingLocationWithBufferingOff() throws Exception {
        String conf = Gateway.nginxConfig(config());
        assertThat(conf).contains("upstream hearth_fast {", "server 10.0.0.5:8080 max_fails=3", "server 10.0.0.6:8080");
        assertThat(conf).contains("upstream hearth_reasoning {", "server 10.0.0.5:8081", "# r1 job 77");
        assertThat(conf).contains("upstream hearth_image {", "down;  # no upstream known");
        assertThat(conf).contains("location /reasoning/ {", "proxy_pass http://hearth_reasoning/;");
        assertThat(conf).contains("proxy_buffering off;", "listen 127.0.0.1:18080;", "least_conn;");
        // the longest prefix is written first, and / last
        assertThat(conf.indexOf("location /reasoning/")).isLessThan(conf.indexOf("location / {"));
    }

    @Test
    void aTierOfHttpsUpstreamsIsProxiedOverVerifiedTls() throws Exception {
        GatewayConfig c = config();
        List<TierConfig> tiers = new ArrayList<>();
        for (TierConfig t : c.tiers())
            tiers.add(t.name().equals("image") ? t.withUpstreams(List.of(StaticUpstream.of("i1", "https://img.cluster.local"))) : t);
        String conf = Gateway.nginxConfig(c.withTiers(tiers).withProxy(c.proxy().withCaFile(dir.resolve("ca.pem"))));
        assertThat(conf).contains("server img.cluster.local:443", "proxy_pass https://hearth_image/;",
                "proxy_ssl_name img.cluster.local;", "proxy_ssl_verify on;", "proxy_ssl_trusted_certificate " + dir.resolve("ca.pem"));
        assertThat(conf).contains("proxy_pass http://hearth_fast/;");
        assertThat(conf.substring(conf.indexOf("location / {"))).doesNotContain("proxy_ssl");
    }

    @Test
    void nginxAcceptsTheGeneratedFile() throws Exception {
        Path nginx = Path.of("/usr/sbin/nginx");
        Assumptions.assumeTrue(Files.isExecutable(nginx), "nginx is not installed (apt-get install nginx)");
        Path site = dir.resolve("site.conf");
        Files.writeString(site, Gateway.nginxConfig(config()));
        Path main = dir.resolve("nginx.conf");
        Files.writeString(main, "pid " + dir.resolve("nginx.pid") + ";\nerror_log " + dir.resolve("error.log")
                + ";\nevents {}\nhttp {\n access_log off;\n include " + site + ";\n}\n");
        Process p = new ProcessBuilder(nginx.toString(), "-t", "-p", dir.toString(), "-c", main.toString())
                .redirectErrorStream(true).start();
        assertThat(p.waitFor(20, TimeUnit.SECONDS)).isTrue();
        String out = new String(p.getInputStream().readAllBytes());
        assertThat(p.exitValue()).as(out).isZero();
    }
}
