package dev.ferry.route;

import java.util.Locale;

/** Matches a request's host: exactly, or by wildcard suffix ({@code *.example.com} takes any subdomain). */
final class HostMatcher {

    private final String exact;
    private final String suffix;

    private HostMatcher(String exact, String suffix) {
        this.exact = exact;
        this.suffix = suffix;
    }

    static HostMatcher of(String pattern) {
        String host = pattern.toLowerCase(Locale.ROOT);
        return host.startsWith("*.") ? new HostMatcher(null, host.substring(1)) : new HostMatcher(host, null);
    }

    /** @param host lower-case, without port */
    boolean matches(String host) {
        if (exact != null) {
            return exact.equals(host);
        }
        return host.length() > suffix.length() && host.endsWith(suffix);
    }

    /** The host part of a {@code Host} header: lower-case, port and IPv6 brackets removed. */
    static String hostOf(String header) {
        if (header == null) {
            return "";
        }
        String host = header;
        if (host.startsWith("[")) {
            int close = host.indexOf(']');
            host = close > 0 ? host.substring(1, close) : host;
        } else {
            int colon = host.indexOf(':');
            if (colon >= 0) {
                host = host.substring(0, colon);
            }
        }
        if (host.endsWith(".")) {
            host = host.substring(0, host.length() - 1);
        }
        return host.toLowerCase(Locale.ROOT);
    }
}
