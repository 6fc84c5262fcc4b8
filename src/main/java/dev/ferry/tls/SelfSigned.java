package dev.ferry.tls;

import static java.util.Objects.requireNonNull;

import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.math.BigInteger;
import java.net.InetAddress;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.nio.file.attribute.PosixFilePermissions;
import java.security.GeneralSecurityException;
import java.security.KeyPair;
import java.security.KeyPairGenerator;
import java.security.PrivateKey;
import java.security.SecureRandom;
import java.security.Signature;
import java.security.cert.CertificateFactory;
import java.security.cert.X509Certificate;
import java.security.spec.ECGenParameterSpec;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;
import java.util.ArrayList;
import java.util.List;
import java.util.regex.Pattern;

/**
 * A self-signed certificate for local testing: ECDSA P-256, SHA-256, the given names as subject
 * alternative names (DNS names, or IP addresses for literals), the first one also as the subject
 * CN, and CA:TRUE so that it can be its own trust anchor ({@code curl --cacert}).
 *
 * <p>Written with the JDK's public APIs and a small DER encoder: Netty's SelfSignedCertificate
 * relies on BouncyCastle or on the JDK's internal {@code sun.security.x509} classes, and puts no
 * subject alternative names in, which clients need to check an IP address.
 */
public final class SelfSigned {

    private static final String ECDSA_WITH_SHA256 = "1.2.840.10045.4.3.2";
    private static final String COMMON_NAME = "2.5.4.3";
    private static final String SUBJECT_ALT_NAME = "2.5.29.17";
    private static final String BASIC_CONSTRAINTS = "2.5.29.19";
    private static final Pattern IP_LITERAL = Pattern.compile("[0-9.]+|.*:.*");
    private static final DateTimeFormatter UTC_TIME = DateTimeFormatter.ofPattern("yyMMddHHmmss'Z'").withZone(ZoneOffset.UTC);
    private static final DateTimeFormatter GENERALIZED_TIME =
            DateTimeFormatter.ofPattern("yyyyMMddHHmmss'Z'").withZone(ZoneOffset.UTC);

    private final X509Certificate certificate;
    private final PrivateKey key;

    private SelfSigned(X509Certificate certificate, PrivateKey key) {
        this.certificate = certificate;
        this.key = key;
    }

    /** A new key and certificate for {@code names}, valid from an hour ago for {@code validity}. */
    public static SelfSigned generate(List<String> names, Duration validity) {
        requireNonNull(names, "names");
        if (names.isEmpty()) {
            throw new IllegalArgumentException("at least one name");
        }
        try {
            KeyPairGenerator generator = KeyPairGenerator.getInstance("EC");
            generator.initialize(new ECGenParameterSpec("secp256r1"));
            KeyPair pair = generator.generateKeyPair();
            Instant notBefore = Instant.now().minus(Duration.ofHours(1));
            byte[] name = Der.sequence(Der.set(Der.sequence(Der.oid(COMMON_NAME), Der.utf8(names.get(0)))));
            byte[] algorithm = Der.sequence(Der.oid(ECDSA_WITH_SHA256));
            byte[] serial = new byte[16];
            new SecureRandom().nextBytes(serial);
            byte[] tbs = Der.sequence(
                    Der.explicit(0, Der.integer(2)),
                    Der.integer(new BigInteger(1, serial)),
                    algorithm,
                    name,
                    Der.sequence(time(notBefore), time(notBefore.plus(validity))),
                    name,
                    pair.getPublic().getEncoded(),
                    Der.explicit(3, Der.sequence(
                            Der.sequence(Der.oid(BASIC_CONSTRAINTS), Der.bool(true),
                                    Der.octets(Der.sequence(Der.bool(true)))),
                            Der.sequence(Der.oid(SUBJECT_ALT_NAME), Der.octets(alternativeNames(names))))));
            Signature signer = Signature.getInstance("SHA256withECDSA");
            signer.initSign(pair.getPrivate());
            signer.update(tbs);
            byte[] der = Der.sequence(tbs, algorithm, Der.bits(signer.sign()));
            X509Certificate certificate = (X509Certificate) CertificateFactory.getInstance("X.509")
                    .generateCertificate(new ByteArrayInputStream(der));
            return new SelfSigned(certificate, pair.getPrivate());
        } catch (GeneralSecurityException | IOException e) {
            throw new IllegalStateException("cannot generate a certificate: " + e.getMessage(), e);
        }
    }

    private static byte[] alternativeNames(List<String> names) throws IOException {
        List<byte[]> entries = new ArrayList<>();
        for (String name : names) {
            if (IP_LITERAL.matcher(name).matches()) {
                entries.add(Der.implicit(7, InetAddress.getByName(name).getAddress()));
            } else {
                entries.add(Der.implicit(2, name.getBytes(StandardCharsets.US_ASCII)));
            }
        }
        return Der.sequence(entries.toArray(byte[][]::new));
    }

    /** RFC 5280 §4.1.2.5: UTCTime through 2049, GeneralizedTime from 2050. */
    private static byte[] time(Instant instant) {
        boolean utc = instant.atZone(ZoneOffset.UTC).getYear() < 2050;
        return Der.tlv(utc ? Der.UTC_TIME : Der.GENERALIZED_TIME,
                (utc ? UTC_TIME : GENERALIZED_TIME).format(instant).getBytes(StandardCharsets.US_ASCII));
    }

    public X509Certificate certificate() {
        return certificate;
    }

    public PrivateKey key() {
        return key;
    }

    public String certificatePem() {
        try {
            return Pem.encode("CERTIFICATE", certificate.getEncoded());
        } catch (GeneralSecurityException e) {
            throw new IllegalStateException(e);
        }
    }

    /** PKCS#8, unencrypted. */
    public String keyPem() {
        return Pem.encode("PRIVATE KEY", key.getEncoded());
    }

    /** Writes the certificate to {@code cert} and the key to {@code key} (owner-only where the file system allows). */
    public void write(Path cert, Path key) throws IOException {
        Files.writeString(cert, certificatePem(), StandardCharsets.US_ASCII);
        Files.deleteIfExists(key);
        try {
            Files.createFile(key, PosixFilePermissions.asFileAttribute(PosixFilePermissions.fromString("rw-------")));
        } catch (UnsupportedOperationException e) {
            Files.createFile(key);
        }
        Files.writeString(key, keyPem(), StandardCharsets.US_ASCII, StandardOpenOption.TRUNCATE_EXISTING);
    }
}
