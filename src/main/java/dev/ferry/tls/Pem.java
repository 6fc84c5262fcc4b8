package dev.ferry.tls;

import java.io.IOException;
import java.io.ByteArrayInputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.security.GeneralSecurityException;
import java.security.KeyFactory;
import java.security.PrivateKey;
import java.security.PublicKey;
import java.security.SecureRandom;
import java.security.Signature;
import java.security.cert.CertificateException;
import java.security.cert.CertificateFactory;
import java.security.cert.X509Certificate;
import java.security.interfaces.RSAKey;
import java.security.spec.PKCS8EncodedKeySpec;
import java.util.ArrayList;
import java.util.Base64;
import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Reads PEM certificate chains and private keys, with errors that name the file. Keys may be
 * PKCS#8 ({@code BEGIN PRIVATE KEY}), PKCS#1 RSA ({@code BEGIN RSA PRIVATE KEY}) or SEC 1 EC
 * ({@code BEGIN EC PRIVATE KEY}); encrypted keys are refused with a hint.
 */
public final class Pem {

    private static final Pattern BLOCK = Pattern.compile(
            "-----BEGIN ([A-Z0-9 ]+)-----([A-Za-z0-9+/=\\s]*?)-----END \\1-----");
    private static final String RSA_ENCRYPTION = "1.2.840.113549.1.1.1";
    private static final String EC_PUBLIC_KEY = "1.2.840.10045.2.1";

    private Pem() {
    }

    /** Every certificate in the file, in order (the leaf first, as servers send them). */
    public static List<X509Certificate> certificates(Path file) throws TlsException {
        List<X509Certificate> chain = new ArrayList<>();
        try {
            CertificateFactory factory = CertificateFactory.getInstance("X.509");
            for (Block block : blocks(file)) {
                if (block.type.equals("CERTIFICATE") || block.type.equals("TRUSTED CERTIFICATE")) {
                    chain.add((X509Certificate) factory.generateCertificate(new ByteArrayInputStream(block.der)));
                }
            }
        } catch (CertificateException e) {
            throw new TlsException(file + ": not a valid certificate: " + e.getMessage(), e);
        }
        if (chain.isEmpty()) {
            throw new TlsException(file + ": no PEM certificate in it (-----BEGIN CERTIFICATE-----)");
        }
        return chain;
    }

    /** The one private key in the file. */
    public static PrivateKey privateKey(Path file) throws TlsException {
        List<Block> blocks = blocks(file);
        for (Block block : blocks) {
            switch (block.type) {
                case "PRIVATE KEY":
                    return pkcs8(file, block.der);
                case "RSA PRIVATE KEY":
                    return pkcs8(file, Der.sequence(Der.integer(0),
                            Der.sequence(Der.oid(RSA_ENCRYPTION), Der.nullValue()), Der.octets(block.der)));
                case "EC PRIVATE KEY":
                    return pkcs8(file, sec1ToPkcs8(file, block.der));
                case "ENCRYPTED PRIVATE KEY":
                    throw encrypted(file);
                default:
                    // EC PARAMETERS and certificates may share the file.
            }
        }
        throw new TlsException(file + ": no PEM private key in it (-----BEGIN PRIVATE KEY-----)");
    }

    /** Checks that {@code key} is the private half of {@code certificate}'s public key. */
    public static void checkPair(PrivateKey key, Path keyFile, X509Certificate certificate, Path certFile)
            throws TlsException {
        PublicKey publicKey = certificate.getPublicKey();
        boolean matches;
        if (key instanceof RSAKey rsaKey && publicKey instanceof RSAKey rsaPublic) {
            matches = rsaKey.getModulus().equals(rsaPublic.getModulus());
        } else if (!key.getAlgorithm().equals(publicKey.getAlgorithm())) {
            matches = false;
        } else {
            matches = signatureMatches(key, publicKey);
        }
        if (!matches) {
            throw new TlsException(keyFile + ": the private key does not match the certificate in " + certFile);
        }
    }

    private static boolean signatureMatches(PrivateKey key, PublicKey publicKey) {
        String algorithm = switch (key.getAlgorithm()) {
            case "EC" -> "SHA256withECDSA";
            case "Ed25519", "Ed448", "EdDSA" -> key.getAlgorithm();
            default -> null;
        };
        if (algorithm == null) {
            return true; // an algorithm we cannot test: the handshake will tell
        }
        try {
            byte[] challenge = new byte[32];
            new SecureRandom().nextBytes(challenge);
            Signature signer = Signature.getInstance(algorithm);
            signer.initSign(key);
            signer.update(challenge);
            byte[] signature = signer.sign();
            Signature verifier = Signature.getInstance(algorithm);
            verifier.initVerify(publicKey);
            verifier.update(challenge);
            return verifier.verify(signature);
        } catch (GeneralSecurityException e) {
            return false;
        }
    }

    private static TlsException encrypted(Path file) {
        return new TlsException(file + ": the private key is encrypted; Ferry needs it unencrypted "
                + "(openssl pkcs8 -topk8 -nocrypt -in KEY -out KEY.plain), readable by Ferry only");
    }

    private static PrivateKey pkcs8(Path file, byte[] der) throws TlsException {
        PKCS8EncodedKeySpec spec = new PKCS8EncodedKeySpec(der);
        for (String algorithm : List.of("RSA", "EC", "Ed25519", "Ed448", "RSASSA-PSS")) {
            try {
                return KeyFactory.getInstance(algorithm).generatePrivate(spec);
            } catch (GeneralSecurityException e) {
                // try the next one
            }
        }
        throw new TlsException(file + ": not a usable private key (RSA, EC or Ed25519 expected)");
    }

    /** RFC 5915 ECPrivateKey → PKCS#8, taking the curve from its parameters. */
    private static byte[] sec1ToPkcs8(Path file, byte[] sec1) throws TlsException {
        try {
            Der.Reader fields = new Der.Reader(sec1).next().children();
            byte[] curve = null;
            while (fields.hasMore()) {
                Der.Element field = fields.next();
                if (field.tag() == 0xa0) {
                    curve = field.children().next().encoded();
                }
            }
            if (curve == null) {
                throw new TlsException(file + ": the EC private key does not name its curve; convert it with "
                        + "openssl pkcs8 -topk8 -nocrypt");
            }
            return Der.sequence(Der.integer(0), Der.sequence(Der.oid(EC_PUBLIC_KEY), curve), Der.octets(sec1));
        } catch (IllegalArgumentException e) {
            throw new TlsException(file + ": malformed EC private key");
        }
    }

    private record Block(String type, byte[] der) {
    }

    private static List<Block> blocks(Path file) throws TlsException {
        String text;
        try {
            text = new String(Files.readAllBytes(file), StandardCharsets.US_ASCII);
        } catch (NoSuchFileException e) {
            throw new TlsException(file + ": no such file");
        } catch (IOException e) {
            throw new TlsException(file + ": cannot read: " + e.getMessage(), e);
        }
        if (text.contains("Proc-Type: 4,ENCRYPTED")) {
            // RFC 1421 headers: a traditional key encrypted with a passphrase.
            throw encrypted(file);
        }
        List<Block> blocks = new ArrayList<>();
        Matcher matcher = BLOCK.matcher(text);
        while (matcher.find()) {
            try {
                blocks.add(new Block(matcher.group(1), Base64.getMimeDecoder().decode(matcher.group(2))));
            } catch (IllegalArgumentException e) {
                throw new TlsException(file + ": invalid base64 in a " + matcher.group(1) + " block");
            }
        }
        if (blocks.isEmpty()) {
            throw new TlsException(file + ": not a PEM file (no -----BEGIN ...----- block)");
        }
        return blocks;
    }

    /** PEM text of one DER block. */
    static String encode(String type, byte[] der) {
        String body = Base64.getMimeEncoder(64, "\n".getBytes(StandardCharsets.US_ASCII)).encodeToString(der);
        return "-----BEGIN " + type + "-----\n" + body + "\n-----END " + type + "-----\n";
    }
}
