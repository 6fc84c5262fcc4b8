package dev.ferry.tls;

import static org.assertj.core.api.Assertions.assertThat;

import dev.ferry.demo.DemoOrigin;
import dev.ferry.testing.TestCerts;
import dev.ferry.testing.TestFerry;
import java.io.IOException;
import java.io.InputStream;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.security.KeyStore;
import java.security.cert.X509Certificate;
import java.util.List;
import javax.net.ssl.SNIHostName;
import javax.net.ssl.SSLContext;
import javax.net.ssl.SSLParameters;
import javax.net.ssl.SSLSocket;
import javax.net.ssl.TrustManagerFactory;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** A listener with several certificates serves the one whose names match the client's SNI; the first otherwise. */
class SniTest {

    @TempDir
    static Path dir;

    private static TestCerts fallback;
    private static TestCerts exact;
    private static TestCerts wildcard;
    private static DemoOrigin origin;
    private static TestFerry ferry;

    @BeforeAll
    static void start() throws Exception {
        fallback = TestCerts.create(dir, "default.test");
        exact = TestCerts.create(dir, "api.test", "www.api.test");
        wildcard = TestCerts.create(dir, "*.apps.test");
        origin = DemoOrigin.start(DemoOrigin.Options.defaults());
        ferry = TestFerry.start("""
                listeners:
                  - name: edge
                    bind: 127.0.0.1:0
                    tls:
                      certificates:
                        - { cert: %s, key: %s }
                        - { cert: %s, key: %s }
                        - { cert: %s, key: %s }
                    routes: [ { name: all, upstream: app } ]
                upstreams:
                  app: { servers: [ "127.0.0.1:%d" ] }
                """.formatted(fallback.cert(), fallback.key(), exact.cert(), exact.key(), wildcard.cert(),
                wildcard.key(), origin.port()));
    }

    @AfterAll
    static void stop() {
        ferry.close();
        origin.close();
    }

    @Test
    void anExactNameGetsItsCertificate() throws Exception {
        assertThat(served("api.test")).isEqualTo(exact.certificate());
        assertThat(served("www.api.test")).isEqualTo(exact.certificate());
    }

    @Test
    void aNameUnderAWildcardGetsTheWildcardCertificate() throws Exception {
        assertThat(served("one.apps.test")).isEqualTo(wildcard.certificate());
        assertThat(served("TWO.Apps.Test")).isEqualTo(wildcard.certificate());
    }

    @Test
    void anUnknownNameOrNoSniGetsTheFirstCertificate() throws Exception {
        assertThat(served("other.test")).isEqualTo(fallback.certificate());
        // A wildcard covers one label only (RFC 6125 §6.4.3).
        assertThat(served("a.b.apps.test")).isEqualTo(fallback.certificate());
        assertThat(served(null)).isEqualTo(fallback.certificate());
    }

    /** Handshakes with SNI {@code name} (none when null), checks the connection serves HTTP, returns the leaf. */
    private static X509Certificate served(String name) throws Exception {
        try (SSLSocket socket = (SSLSocket) trustingAll().getSocketFactory()
                .createSocket(new Socket("127.0.0.1", ferry.port("edge")), "127.0.0.1", ferry.port("edge"), true)) {
            SSLParameters parameters = socket.getSSLParameters();
            parameters.setServerNames(name == null ? List.of() : List.of(new SNIHostName(name)));
            socket.setSSLParameters(parameters);
            socket.setSoTimeout(5000);
            socket.startHandshake();
            socket.getOutputStream().write(("GET /small HTTP/1.1\r\nHost: " + (name == null ? "x" : name)
                    + "\r\nConnection: close\r\n\r\n").getBytes(StandardCharsets.US_ASCII));
            assertThat(readAll(socket.getInputStream())).startsWith("HTTP/1.1 200 ");
            return (X509Certificate) socket.getSession().getPeerCertificates()[0];
        }
    }

    private static String readAll(InputStream in) throws IOException {
        return new String(in.readAllBytes(), StandardCharsets.ISO_8859_1);
    }

    /** Trusts the three test certificates, and does not check host names (the test compares certificates). */
    private static SSLContext trustingAll() throws Exception {
        KeyStore store = KeyStore.getInstance(KeyStore.getDefaultType());
        store.load(null, null);
        store.setCertificateEntry("fallback", fallback.certificate());
        store.setCertificateEntry("exact", exact.certificate());
        store.setCertificateEntry("wildcard", wildcard.certificate());
        TrustManagerFactory tmf = TrustManagerFactory.getInstance(TrustManagerFactory.getDefaultAlgorithm());
        tmf.init(store);
        SSLContext context = SSLContext.getInstance("TLS");
        context.init(null, tmf.getTrustManagers(), null);
        return context;
    }
}
