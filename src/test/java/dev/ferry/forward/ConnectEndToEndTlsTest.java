package dev.ferry.forward;

import static org.assertj.core.api.Assertions.assertThat;

import dev.ferry.demo.DemoOrigin;
import dev.ferry.testing.TestCerts;
import dev.ferry.testing.TestFerry;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.security.cert.X509Certificate;
import javax.net.ssl.SSLSocket;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * CONNECT is a byte tunnel, never TLS interception: a client's handshake through it reaches the
 * origin, which presents its own certificate, even when the proxy listener itself terminates TLS
 * with a certificate of Ferry's (an HTTPS proxy).
 */
class ConnectEndToEndTlsTest {

    @TempDir
    static Path dir;

    private static TestCerts originCert;
    private static TestCerts proxyCert;
    private static DemoOrigin origin;
    private static TestFerry ferry;

    @BeforeAll
    static void start() throws Exception {
        originCert = TestCerts.create(dir.resolve("origin"), "localhost");
        proxyCert = TestCerts.create(dir.resolve("proxy"), "localhost");
        origin = DemoOrigin.start(DemoOrigin.Options.defaults().withTls(originCert.serverContext()));
        ferry = TestFerry.start("""
                listeners:
                  - name: fwd
                    bind: 127.0.0.1:0
                    forward_proxy: { connect_ports: [%1$d], allow_loopback_targets: true }
                  - name: fwds
                    bind: 127.0.0.1:0
                    tls: { cert: %2$s, key: %3$s }
                    forward_proxy: { connect_ports: [%1$d], allow_loopback_targets: true }
                """.formatted(origin.port(), proxyCert.cert(), proxyCert.key()));
    }

    @AfterAll
    static void stop() {
        origin.close();
        ferry.close();
    }

    @Test
    void theHandshakeThroughThePlainProxyReachesTheOriginsCertificate() throws Exception {
        try (Socket proxy = new Socket("127.0.0.1", ferry.port("fwd"))) {
            assertThat(connectAndFetchThrough(proxy)).isEqualTo(originCert.certificate());
        }
    }

    @Test
    void theHandshakeThroughAnHttpsProxyStillReachesTheOriginsCertificate() throws Exception {
        try (Socket tcp = new Socket("127.0.0.1", ferry.port("fwds"));
             SSLSocket proxy = (SSLSocket) proxyCert.trustingClientContext().getSocketFactory()
                     .createSocket(tcp, "localhost", ferry.port("fwds"), true)) {
            proxy.startHandshake();
            assertThat(proxy.getSession().getPeerCertificates()[0]).isEqualTo(proxyCert.certificate());

            assertThat(connectAndFetchThrough(proxy)).isEqualTo(originCert.certificate());
        }
    }

    /** CONNECT, then TLS with the origin (trusting its certificate only) and a GET inside; the origin's leaf. */
    private static X509Certificate connectAndFetchThrough(Socket proxy) throws Exception {
        proxy.setSoTimeout(5000);
        OutputStream out = proxy.getOutputStream();
        out.write(("CONNECT localhost:" + origin.port() + " HTTP/1.1\r\nHost: localhost:" + origin.port() + "\r\n\r\n")
                .getBytes(StandardCharsets.US_ASCII));
        out.flush();
        assertThat(readHead(proxy.getInputStream())).startsWith("HTTP/1.1 200");
        try (SSLSocket inner = (SSLSocket) originCert.trustingClientContext().getSocketFactory()
                .createSocket(proxy, "localhost", origin.port(), false)) {
            var parameters = inner.getSSLParameters();
            parameters.setEndpointIdentificationAlgorithm("HTTPS");
            inner.setSSLParameters(parameters);
            inner.startHandshake();
            inner.getOutputStream().write("GET /small HTTP/1.1\r\nHost: localhost\r\n\r\n"
                    .getBytes(StandardCharsets.US_ASCII));
            inner.getOutputStream().flush();
            assertThat(readHead(inner.getInputStream())).startsWith("HTTP/1.1 200");
            return (X509Certificate) inner.getSession().getPeerCertificates()[0];
        }
    }

    private static String readHead(InputStream in) throws Exception {
        StringBuilder head = new StringBuilder();
        while (!head.toString().endsWith("\r\n\r\n")) {
            int b = in.read();
            if (b < 0) {
                break;
            }
            head.append((char) b);
        }
        return head.toString();
    }
}
