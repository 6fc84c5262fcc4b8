package dev.ferry.admin;

import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.Locale;

/**
 * Checks {@code Authorization: Bearer <token>} (RFC 6750 §2.1) in constant time: both sides are
 * hashed first, so neither the comparison nor the token's length shows in the response time.
 */
final class BearerToken {

    private static final String SCHEME = "bearer ";

    private final byte[] expected;

    BearerToken(String token) {
        this.expected = sha256(token);
    }

    boolean accepts(String authorization) {
        if (authorization == null || authorization.length() <= SCHEME.length()
                || !authorization.substring(0, SCHEME.length()).toLowerCase(Locale.ROOT).equals(SCHEME)) {
            // Hash anyway: a missing header costs what a wrong one does.
            MessageDigest.isEqual(expected, sha256(""));
            return false;
        }
        String presented = authorization.substring(SCHEME.length()).strip();
        return MessageDigest.isEqual(expected, sha256(presented));
    }

    private static byte[] sha256(String text) {
        try {
            return MessageDigest.getInstance("SHA-256").digest(text.getBytes(StandardCharsets.UTF_8));
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException("every JDK has SHA-256", e);
        }
    }
}
