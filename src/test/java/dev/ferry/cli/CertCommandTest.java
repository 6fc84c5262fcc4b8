package dev.ferry.cli;

import static org.assertj.core.api.Assertions.assertThat;

import dev.ferry.tls.Pem;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.security.PrivateKey;
import java.security.cert.X509Certificate;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** {@code ferry cert} writes a usable self-signed certificate and a private key only its owner can read. */
class CertCommandTest {

    @TempDir
    Path dir;

    @Test
    void writesACertificateForTheNamesAndAMatchingKey() throws Exception {
        StringWriter out = new StringWriter();
        int exit = FerryCommand.execute(new PrintWriter(out), new PrintWriter(new StringWriter()),
                "cert", "--host", "dev.example", "--host", "127.0.0.1", "--out", dir.resolve("tls").toString(),
                "--days", "30");

        assertThat(exit).isZero();
        Path cert = dir.resolve("tls/dev.example.pem");
        Path key = dir.resolve("tls/dev.example.key");
        assertThat(out.toString()).contains("wrote " + cert, "wrote " + key);
        X509Certificate certificate = Pem.certificates(cert).get(0);
        PrivateKey privateKey = Pem.privateKey(key);
        Pem.checkPair(privateKey, key, certificate, cert);
        assertThat(certificate.getSubjectAlternativeNames())
                .containsExactlyInAnyOrder(List.of(2, "dev.example"), List.of(7, "127.0.0.1"));
        assertThat(certificate.getNotAfter().toInstant())
                .isBetween(Instant.now().plus(Duration.ofDays(29)), Instant.now().plus(Duration.ofDays(31)));
        certificate.verify(certificate.getPublicKey());
        assertThat(PosixFilePermissions.toString(Files.getPosixFilePermissions(key))).isEqualTo("rw-------");
    }

    @Test
    void refusesSomethingThatIsNotAHostName() {
        StringWriter err = new StringWriter();
        int exit = FerryCommand.execute(new PrintWriter(new StringWriter()), new PrintWriter(err),
                "cert", "--host", "a b", "--out", dir.toString());

        assertThat(exit).isEqualTo(2);
        assertThat(err.toString()).contains("'a b' is not a host name");
    }
}
