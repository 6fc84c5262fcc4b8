package dev.ferry.testing;

import dev.ferry.tls.SelfSigned;
import io.netty.handler.ssl.SslContext;
import io.netty.handler.ssl.SslContextBuilder;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.KeyStore;
import java.security.cert.X509Certificate;
import java.time.Duration;
import java.util.List;
import javax.net.ssl.SSLContext;
import javax.net.ssl.TrustManagerFactory;

/**
 * A fresh self-signed certificate (ECDSA P-256, SANs as given) written as PEM files, with the
 * contexts tests need: a Netty server context for TLS origins and a JDK client context that
 * trusts exactly this certificate.
 */
public final class TestCerts {

    private final SelfSigned generated;
    private final Path cert;
    private final Path key;

    private TestCerts(SelfSigned generated, Path cert, Path key) {
        this.generated = generated;
        this.cert = cert;
        this.key = key;
    }

    /** Writes {@code DIR/NAME.pem} and {@code DIR/NAME.key} for {@code names} (the first names the files). */
    public static TestCerts create(Path dir, String... names) {
        SelfSigned generated = SelfSigned.generate(List.of(names), Duration.ofDays(2));
        String file = names[0].replace('*', '_');
        Path cert = dir.resolve(file + ".pem");
        Path key = dir.resolve(file + ".key");
        try {
            Files.createDirectories(dir);
            generated.write(cert, key);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        return new TestCerts(generated, cert, key);
    }

    public Path cert() {
        return cert;
    }

    public Path key() {
        return key;
    }

    public X509Certificate certificate() {
        return generated.certificate();
    }

    /** A server context (JDK provider, as test origins need nothing faster). */
    public SslContext serverContext() {
        try {
            return SslContextBuilder.forServer(generated.key(), generated.certificate()).build();
        } catch (Exception e) {
            throw new IllegalStateException(e);
        }
    }

    /** A client context that trusts this certificate only. */
    public SSLContext trustingClientContext() {
        try {
            KeyStore store = KeyStore.getInstance(KeyStore.getDefaultType());
            store.load(null, null);
            store.setCertificateEntry("test", generated.certificate());
            TrustManagerFactory tmf = TrustManagerFactory.getInstance(TrustManagerFactory.getDefaultAlgorithm());
            tmf.init(store);
            SSLContext context = SSLContext.getInstance("TLS");
            context.init(null, tmf.getTrustManagers(), null);
            return context;
        } catch (Exception e) {
            throw new IllegalStateException(e);
        }
    }
}
