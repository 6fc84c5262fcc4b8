package dev.ferry.forward;

import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.util.Base64;
import java.util.HashMap;
import java.util.Map;

/** Basic proxy authentication (RFC 7617 over {@code Proxy-Authorization}, RFC 9110 §11.7.2). */
final class ProxyAuth {

    static final String CHALLENGE = "Basic realm=\"ferry\", charset=\"UTF-8\"";

    private final Map<String, byte[]> passwords = new HashMap<>();

    ProxyAuth(Map<String, String> users) {
        users.forEach((user, password) -> passwords.put(user, password.getBytes(StandardCharsets.UTF_8)));
    }

    boolean required() {
        return !passwords.isEmpty();
    }

    /** Whether {@code header} (the {@code Proxy-Authorization} value, maybe null) names a known user and password. */
    boolean accepts(String header) {
        if (header == null || header.length() < 7 || !header.regionMatches(true, 0, "Basic ", 0, 6)) {
            return false;
        }
        byte[] decoded;
        try {
            decoded = Base64.getDecoder().decode(header.substring(6).trim());
        } catch (IllegalArgumentException e) {
            return false;
        }
        String credentials = new String(decoded, StandardCharsets.UTF_8);
        int colon = credentials.indexOf(':');
        if (colon < 0) {
            return false;
        }
        byte[] expected = passwords.get(credentials.substring(0, colon));
        byte[] given = credentials.substring(colon + 1).getBytes(StandardCharsets.UTF_8);
        // Compared in constant time so the answer's timing does not reveal the password.
        return expected != null && MessageDigest.isEqual(expected, given);
    }
}
