package dev.ferry.demo;

import static org.assertj.core.api.Assertions.assertThat;

import io.netty.handler.ssl.SslContext;
import io.netty.handler.ssl.SslContextBuilder;
import io.netty.handler.ssl.util.SelfSignedCertificate;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.net.http.HttpResponse.BodyHandlers;
import java.security.KeyStore;
import javax.net.ssl.SSLContext;
import javax.net.ssl.TrustManagerFactory;
import org.junit.jupiter.api.Test;

class DemoOriginTlsTest {

    @Test
    void servesHttpsWhenGivenATlsContext() throws Exception {
        SelfSignedCertificate certificate = new SelfSignedCertificate("localhost", "EC", 256);
        SslContext tls = SslContextBuilder.forServer(certificate.certificate(), certificate.privateKey()).build();
        try (DemoOrigin origin = DemoOrigin.start(DemoOrigin.Options.defaults().withTls(tls))) {
            assertThat(origin.baseUrl()).startsWith("https://");
            HttpClient client = HttpClient.newBuilder()
                    .version(HttpClient.Version.HTTP_1_1)
                    .sslContext(trusting(certificate))
                    .build();

            HttpResponse<byte[]> response = client.send(
                    HttpRequest.newBuilder(URI.create("https://localhost:" + origin.port() + "/small")).build(),
                    BodyHandlers.ofByteArray());

            assertThat(response.statusCode()).isEqualTo(200);
            assertThat(response.body()).hasSize(1024);
            // the TLS handshake is counted too: the counter sits below TLS
            assertThat(origin.bytesReceived()).isGreaterThan(200);
        } finally {
            certificate.delete();
        }
    }

    private static SSLContext trusting(SelfSignedCertificate certificate) throws Exception {
        KeyStore trusted = KeyStore.getInstance(KeyStore.getDefaultType());
        trusted.load(null, null);
        trusted.setCertificateEntry("origin", certificate.cert());
        TrustManagerFactory trust = TrustManagerFactory.getInstance(TrustManagerFactory.getDefaultAlgorithm());
        trust.init(trusted);
        SSLContext context = SSLContext.getInstance("TLS");
        context.init(null, trust.getTrustManagers(), null);
        return context;
    }
}
