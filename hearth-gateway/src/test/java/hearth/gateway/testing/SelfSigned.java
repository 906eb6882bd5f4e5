package hearth.gateway.testing;

import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.GeneralSecurityException;
import java.security.KeyStore;
import java.util.Base64;
import java.util.concurrent.TimeUnit;
import javax.net.ssl.KeyManagerFactory;
import javax.net.ssl.SSLContext;

/**
 * A self-signed certificate made with the JDK's {@code keytool} for a test's TLS upstream: the server's
 * {@link SSLContext} and the certificate as a PEM file (what {@code proxy.ca_file} takes).
 */
public record SelfSigned(SSLContext serverContext, Path pem) {
    private static final char[] PASSWORD = "test-only".toCharArray();

    /** {@code san}: keytool's subject alternative names, e.g. {@code ip:127.0.0.1,dns:localhost}. */
    public static SelfSigned create(Path dir, String name, String san) throws IOException, InterruptedException {
        return load(dir, name, await(start(dir, name, san)));
    }

    /** Several at once (keytool is a JVM start each): {@code namesAndSans} alternates name and SAN. */
    public static SelfSigned[] create(Path dir, String... namesAndSans) throws IOException, InterruptedException {
        Process[] ps = new Process[namesAndSans.length / 2];
        for (int i = 0; i < ps.length; i++) ps[i] = start(dir, namesAndSans[2 * i], namesAndSans[2 * i + 1]);
        SelfSigned[] out = new SelfSigned[ps.length];
        for (int i = 0; i < ps.length; i++) out[i] = load(dir, namesAndSans[2 * i], await(ps[i]));
        return out;
    }

    private static Process start(Path dir, String name, String san) throws IOException {
        Path keytool = Path.of(System.getProperty("java.home"), "bin", "keytool");
        return new ProcessBuilder(keytool.toString(), "-genkeypair", "-alias", name, "-keyalg", "EC", "-groupname",
                "secp256r1", "-dname", "CN=" + name, "-ext", "SAN=" + san, "-validity", "2", "-storetype", "PKCS12",
                "-keystore", dir.resolve(name + ".p12").toString(), "-storepass", new String(PASSWORD))
                .redirectErrorStream(true).start();
    }

    private static Process await(Process p) throws IOException, InterruptedException {
        String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        if (!p.waitFor(60, TimeUnit.SECONDS) || p.exitValue() != 0) throw new IOException("keytool failed: " + out);
        return p;
    }

    private static SelfSigned load(Path dir, String name, Process done) throws IOException {
        try (InputStream in = Files.newInputStream(dir.resolve(name + ".p12"))) {
            KeyStore ks = KeyStore.getInstance("PKCS12");
            ks.load(in, PASSWORD);
            KeyManagerFactory kmf = KeyManagerFactory.getInstance(KeyManagerFactory.getDefaultAlgorithm());
            kmf.init(ks, PASSWORD);
            SSLContext ctx = SSLContext.getInstance("TLS");
            ctx.init(kmf.getKeyManagers(), null, null);
            String b64 = Base64.getMimeEncoder(64, "\n".getBytes(StandardCharsets.US_ASCII)).encodeToString(ks.getCertificate(name).getEncoded());
            Path pem = dir.resolve(name + ".pem");
            Files.writeString(pem, "-----BEGIN CERTIFICATE-----\n" + b64 + "\n-----END CERTIFICATE-----\n");
            return new SelfSigned(ctx, pem);
        } catch (GeneralSecurityException e) {
            throw new IOException(e);
        }
    }
}
