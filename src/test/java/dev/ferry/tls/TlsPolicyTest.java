package dev.ferry.tls;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assumptions.assumeThat;
import static org.awaitility.Awaitility.await;

import dev.ferry.demo.DemoOrigin;
import dev.ferry.testing.TestCerts;
import dev.ferry.testing.TestFerry;
import java.io.InputStream;
import java.net.Socket;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse.BodyHandlers;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The versions and suites a TLS listener accepts, as {@code openssl s_client} sees them: 1.3 and
 * 1.2 with ECDHE + AEAD only. Failed handshakes are counted and cost only their own connection.
 */
class TlsPolicyTest {

    @TempDir
    static Path dir;

    private static TestCerts certs;
    private static DemoOrigin origin;
    private static TestFerry ferry;

    @BeforeAll
    static void start() throws Exception {
        certs = TestCerts.create(dir, "localhost", "127.0.0.1");
        origin = DemoOrigin.start(DemoOrigin.Options.defaults());
        ferry = TestFerry.start("""
                listeners:
                  - name: edge
                    bind: 127.0.0.1:0
                    tls: { cert: %s, key: %s, handshake_timeout: 500ms }
                    routes: [ { name: all, upstream: app } ]
                upstreams:
                  app: { servers: [ "127.0.0.1:%d" ] }
                """.formatted(certs.cert(), certs.key(), origin.port()));
    }

    @AfterAll
    static void stop() {
        ferry.close();
        origin.close();
    }

    @BeforeEach
    void needsOpenssl() {
        assumeThat(Commands.available("openssl")).as("openssl installed").isTrue();
    }

    /** Runs s_client with {@code options}; the handshake's outcome is in the output. */
    private static Commands.Result sClient(String... options) throws Exception {
        List<String> command = new ArrayList<>(List.of("openssl", "s_client", "-connect",
                "127.0.0.1:" + ferry.port("edge"), "-servername", "localhost", "-CAfile", certs.cert().toString()));
        command.addAll(List.of(options));
        return Commands.run(command);
    }

    @Test
    void tls13IsAccepted() throws Exception {
        Commands.Result result = sClient("-tls1_3");
        assertThat(result.output()).contains("New, TLSv1.3, Cipher is TLS_").contains("Verify return code: 0 (ok)");
    }

    @Test
    void tls12IsAcceptedWithEcdheAndAead() throws Exception {
        assertThat(sClient("-tls1_2").output()).contains("New, TLSv1.2, Cipher is ECDHE-ECDSA-AES128-GCM-SHA256");
        assertThat(sClient("-tls1_2", "-cipher", "ECDHE-ECDSA-CHACHA20-POLY1305").output())
                .contains("New, TLSv1.2, Cipher is ECDHE-ECDSA-CHACHA20-POLY1305");
        assertThat(sClient("-tls1_2", "-cipher", "ECDHE-ECDSA-AES256-GCM-SHA384").output())
                .contains("New, TLSv1.2, Cipher is ECDHE-ECDSA-AES256-GCM-SHA384");
    }

    @Test
    void tls11AndOlderAreRefused() throws Exception {
        // OpenSSL 3 refuses TLS 1.1 itself at its default security level; level 0 lets it ask.
        Commands.Result result = sClient("-tls1_1", "-cipher", "DEFAULT:@SECLEVEL=0");
        assertThat(result.output()).contains("Cipher is (NONE)").doesNotContain("New, TLSv1.1");
        assertThat(result.exit()).isNotZero();
    }

    @Test
    void cbcSuitesAreRefused() throws Exception {
        for (String cbc : List.of("ECDHE-ECDSA-AES128-SHA", "ECDHE-ECDSA-AES256-SHA384", "ECDHE-ECDSA-AES128-SHA256")) {
            Commands.Result result = sClient("-tls1_2", "-cipher", cbc);
            assertThat(result.output()).as(cbc).contains("Cipher is (NONE)");
            assertThat(result.exit()).as(cbc).isNotZero();
        }
    }

    @Test
    void failedAndSilentHandshakesAreCountedAndOtherClientsAreServed() throws Exception {
        long before = ferry.server().tlsHandshakeFailures("edge");
        sClient("-tls1_2", "-cipher", "ECDHE-ECDSA-AES128-SHA");
        // Plain HTTP on the TLS port: refused, not answered.
        try (Socket plain = new Socket("127.0.0.1", ferry.port("edge"))) {
            plain.setSoTimeout(5000);
            plain.getOutputStream().write("GET / HTTP/1.1\r\nHost: x\r\n\r\n".getBytes(StandardCharsets.US_ASCII));
            assertThat(plain.getInputStream().read()).isEqualTo(-1);
        }
        // A client that connects and says nothing is cut off after handshake_timeout.
        try (Socket silent = new Socket("127.0.0.1", ferry.port("edge"))) {
            silent.setSoTimeout(5000);
            long start = System.nanoTime();
            InputStream in = silent.getInputStream();
            assertThat(in.read()).isEqualTo(-1);
            assertThat(Duration.ofNanos(System.nanoTime() - start)).isLessThan(Duration.ofSeconds(3));
        }
        await().atMost(Duration.ofSeconds(5)).untilAsserted(() ->
                assertThat(ferry.server().tlsHandshakeFailures("edge") - before).isGreaterThanOrEqualTo(3));

        HttpClient client = HttpClient.newBuilder().sslContext(certs.trustingClientContext())
                .version(HttpClient.Version.HTTP_1_1).build();
        assertThat(client.send(HttpRequest.newBuilder(URI.create("https://localhost:" + ferry.port("edge") + "/small"))
                .build(), BodyHandlers.discarding()).statusCode()).isEqualTo(200);
    }
}
