package dev.ferry.config;

import java.util.Locale;
import java.util.regex.Pattern;

/** Checks the names and words that appear in a config: our own names, host names, HTTP tokens. */
final class Names {

    private static final Pattern NAME = Pattern.compile("[A-Za-z0-9_.-]+");
    private static final Pattern LABEL = Pattern.compile("[a-z0-9]([a-z0-9-]{0,61}[a-z0-9])?", Pattern.CASE_INSENSITIVE);
    /** RFC 9110 token: header names, methods. */
    private static final Pattern TOKEN = Pattern.compile("[!#$%&'*+.^_`|~0-9A-Za-z-]+");

    private Names() {
    }

    /** A listener, route or upstream name: it shows up in logs and metric labels. */
    static String name(String text) {
        if (!NAME.matcher(text).matches()) {
            throw new BadValue("'" + text + "' is not a valid name; use letters, digits, '_', '.' and '-'");
        }
        return text;
    }

    static String token(String text, String what) {
        if (!TOKEN.matcher(text).matches()) {
            throw new BadValue("'" + text + "' is not a valid " + what);
        }
        return text;
    }

    /** A host: strict dotted-quad IPv4, or an RFC 1123 host name. */
    static void checkHost(String host) {
        if (IpLiterals.looksLikeIpv4(host)) {
            if (!IpLiterals.isIpv4(host)) {
                throw new BadValue("'" + host + "' is not a valid IPv4 address");
            }
            return;
        }
        if (!isHostName(host)) {
            throw new BadValue("'" + host + "' is not a valid host name (dot-separated labels of letters, digits "
                    + "and '-')");
        }
    }

    static boolean isHostName(String host) {
        if (host.isEmpty() || host.length() > 253) {
            return false;
        }
        for (String label : host.split("\\.", -1)) {
            if (!LABEL.matcher(label).matches()) {
                return false;
            }
        }
        return true;
    }

    /** A route's host: {@code api.example.com}, {@code *.example.com}, an IP; never a port. */
    static String routeHost(String text) {
        String host = text.strip().toLowerCase(Locale.ROOT);
        if (host.startsWith("[")) {
            if (!host.endsWith("]")) {
                throw new BadValue("'" + text + "' must not include a port; the match is on the host only");
            }
            if (IpLiterals.parseIpv6(host.substring(1, host.length() - 1)) == null) {
                throw new BadValue("'" + text + "' is not an IPv6 address");
            }
            return host;
        }
        int colon = host.indexOf(':');
        if (colon >= 0) {
            throw new BadValue(host.indexOf(':', colon + 1) >= 0
                    ? "'" + text + "': an IPv6 address must be in brackets, e.g. [::1]"
                    : "'" + text + "' must not include a port; the match is on the host only");
        }
        if (host.startsWith("*.")) {
            if (!isHostName(host.substring(2))) {
                throw new BadValue("'" + text + "' is not a valid wildcard host; expected e.g. *.example.com");
            }
            return host;
        }
        checkHost(host);
        return host;
    }

    /** The Host header sent upstream: a host, optionally with a port. */
    static String hostHeader(String text) {
        String s = text.strip().toLowerCase(Locale.ROOT);
        if (s.startsWith("[")) {
            if (s.contains("]:")) {
                return HostPorts.parse(s, 1).toString();
            }
            if (!s.endsWith("]") || IpLiterals.parseIpv6(s.substring(1, s.length() - 1)) == null) {
                throw new BadValue("'" + text + "' is not a valid host; expected a host name or an IP address");
            }
            return s;
        }
        int colons = (int) s.chars().filter(c -> c == ':').count();
        if (colons > 1) {
            throw new BadValue("'" + text + "': an IPv6 address must be in brackets, e.g. [::1]");
        }
        if (colons == 1) {
            return HostPorts.parse(s, 1).toString();
        }
        checkHost(s);
        return s;
    }
}
