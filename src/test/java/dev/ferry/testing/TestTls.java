package dev.ferry.testing;

import io.netty.handler.ssl.SslContext;
import io.netty.handler.ssl.SslContextBuilder;
import java.io.InputStream;
import java.security.KeyStore;
import java.security.cert.CertificateFactory;
import java.security.cert.X509Certificate;
import javax.net.ssl.SSLContext;
import javax.net.ssl.TrustManagerFactory;

/**
 * The test certificate in {@code src/test/resources/tls} (self-signed, CN and SAN localhost and
 * 127.0.0.1): a server context for test origins and a client context that trusts exactly it.
 */
public final class TestTls {

    private TestTls() {
    }

    public static SslContext serverContext() {
        try (InputStream cert = resource("localhost.crt"); InputStream key = resource("localhost.key")) {
            return SslContextBuilder.forServer(cert, key).build();
        } catch (Exception e) {
            throw new IllegalStateException(e);
        }
    }

    public static SSLContext trustingClientContext() {
        try (InputStream cert = resource("localhost.crt")) {
            X509Certificate certificate =
                    (X509Certificate) CertificateFactory.getInstance("X.509").generateCertificate(cert);
            KeyStore store = KeyStore.getInstance(KeyStore.getDefaultType());
            store.load(null, null);
            store.setCertificateEntry("localhost", certificate);
            TrustManagerFactory tmf = TrustManagerFactory.getInstance(TrustManagerFactory.getDefaultAlgorithm());
            tmf.init(store);
            SSLContext context = SSLContext.getInstance("TLS");
            context.init(null, tmf.getTrustManagers(), null);
            return context;
        } catch (Exception e) {
            throw new IllegalStateException(e);
        }
    }

    private static InputStream resource(String name) {
        return TestTls.class.getResourceAsStream("/tls/" + name);
    }
}
