package dev.ferry.config;

import java.util.Locale;
import java.util.regex.Pattern;

/**
 * Parses {@code host:port}: {@code 127.0.0.1:8080}, {@code [::1]:8080}, {@code api.internal:443}.
 * Nothing is resolved: a host name stays a name until a socket needs it.
 */
final class HostPorts {

    private static final Pattern DIGITS = Pattern.compile("[0-9]{1,5}");
    private static final String EXAMPLE = "expected host:port, e.g. 127.0.0.1:8080, [::1]:8080 or api.internal:443";

    private HostPorts() {
    }

    /**
     * @param minPort 0 where port 0 means "pick a free port" (listener binds), else 1
     */
    static HostPort parse(String text, int minPort) {
        String s = text.strip();
        String host;
        String port;
        if (s.startsWith("[")) {
            int close = s.indexOf(']');
            if (close < 0) {
                throw new BadValue("'" + text + "' has no closing ']'; " + EXAMPLE);
            }
            host = s.substring(1, close);
            if (IpLiterals.parseIpv6(host) == null) {
                throw new BadValue("'" + host + "' in '" + text + "' is not an IPv6 address");
            }
            if (close + 1 >= s.length() || s.charAt(close + 1) != ':') {
                throw new BadValue("'" + text + "' needs a port; " + EXAMPLE);
            }
            port = s.substring(close + 2);
        } else {
            int colon = s.lastIndexOf(':');
            if (colon < 0) {
                throw new BadValue("'" + text + "' needs a port; " + EXAMPLE);
            }
            host = s.substring(0, colon);
            port = s.substring(colon + 1);
            if (host.indexOf(':') >= 0) {
                throw new BadValue("'" + text + "': an IPv6 address must be in brackets, e.g. [::1]:8080");
            }
            if (host.isEmpty()) {
                throw new BadValue("'" + text + "' has no host; write 0.0.0.0" + s + " or [::]" + s
                        + " for every address");
            }
            Names.checkHost(host);
        }
        return new HostPort(host.toLowerCase(Locale.ROOT), port(port, minPort));
    }

    static int port(String text, int minPort) {
        if (!DIGITS.matcher(text).matches()) {
            throw new BadValue(text.isEmpty() ? "the port is missing; " + EXAMPLE
                    : "'" + text + "' is not a port number");
        }
        int port = Integer.parseInt(text);
        if (port < minPort || port > 65535) {
            throw new BadValue(portRange(minPort) + ", got " + port);
        }
        return port;
    }

    static String portRange(int minPort) {
        return "must be a port between " + minPort + " and 65535";
    }
}
