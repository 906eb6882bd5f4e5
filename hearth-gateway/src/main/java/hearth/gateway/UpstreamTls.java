package hearth.gateway;

import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.GeneralSecurityException;
import java.security.KeyStore;
import java.security.cert.Certificate;
import java.security.cert.CertificateFactory;
import java.security.cert.X509Certificate;
import javax.net.ssl.SSLContext;
import javax.net.ssl.TrustManager;
import javax.net.ssl.TrustManagerFactory;
import javax.net.ssl.X509TrustManager;

/**
 * The TLS context for {@code https://} upstreams: the JDK's trusted roots, plus the certificates of
 * {@code proxy.ca_file} (PEM; a cluster CA or an upstream's self-signed certificate). Host names are verified
 * against the upstream URL either way.
 */
public final class UpstreamTls {
    private UpstreamTls() {}

    public static SSLContext context(Path caFile) throws IOException {
        try {
            if (caFile == null) return SSLContext.getDefault();
            KeyStore anchors = KeyStore.getInstance(KeyStore.getDefaultType());
            anchors.load(null, null);
            int n = 0;
            for (X509Certificate root : jdkTrustManager().getAcceptedIssuers()) anchors.setCertificateEntry("jdk-" + n++, root);
            int added = 0;
            try (InputStream in = Files.newInputStream(caFile)) {
                for (Certificate c : CertificateFactory.getInstance("X.509").generateCertificates(in))
                    anchors.setCertificateEntry("ca-file-" + added++, c);
            }
            if (added == 0) throw new IOException(caFile + ": no PEM certificate in it");
            TrustManagerFactory tmf = TrustManagerFactory.getInstance(TrustManagerFactory.getDefaultAlgorithm());
            tmf.init(anchors);
            SSLContext ctx = SSLContext.getInstance("TLS");
            ctx.init(null, tmf.getTrustManagers(), null);
            return ctx;
        } catch (GeneralSecurityException e) {
            throw new IOException("cannot set up TLS for upstreams" + (caFile == null ? "" : " with " + caFile) + ": " + e.getMessage(), e);
        }
    }

    private static X509TrustManager jdkTrustManager() throws GeneralSecurityException {
        TrustManagerFactory tmf = TrustManagerFactory.getInstance(TrustManagerFactory.getDefaultAlgorithm());
        tmf.init((KeyStore) null);
        for (TrustManager tm : tmf.getTrustManagers()) if (tm instanceof X509TrustManager x) return x;
        throw new GeneralSecurityException("the JDK has no X.509 trust manager");
    }
}
