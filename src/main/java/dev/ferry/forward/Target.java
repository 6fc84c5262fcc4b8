package dev.ferry.forward;

import io.netty.util.NetUtil;
import java.util.Locale;

/**
 * Where a proxied request goes: the host as a name or an address, the port, and (for absolute-form
 * requests) the origin-form path and query to send.
 *
 * @param host normalised: lower-case, no trailing dot, IPv6 without brackets; an IP literal in
 *     canonical form
 * @param address the address bytes when the host is an IP literal, else null
 * @param port the port, the scheme's default when absent
 * @param pathAndQuery origin-form target ({@code /} when the URI had no path); empty for CONNECT
 */
record Target(String host, byte[] address, int port, String pathAndQuery) {

    /** Parses an absolute-form {@code http://host[:port]/path?query}; {@code https} is refused (use CONNECT). */
    static Target parseAbsolute(String uri) {
        int schemeEnd = uri.indexOf("://");
        String scheme = schemeEnd > 0 ? uri.substring(0, schemeEnd).toLowerCase(Locale.ROOT) : "";
        if (!scheme.equals("http")) {
            throw new InvalidTarget(scheme.equals("https")
                    ? "https:// targets are not proxied: use CONNECT" : "unsupported scheme in request target");
        }
        int authorityStart = schemeEnd + 3;
        int authorityEnd = authorityStart;
        while (authorityEnd < uri.length() && "/?".indexOf(uri.charAt(authorityEnd)) < 0) {
            authorityEnd++;
        }
        String authority = uri.substring(authorityStart, authorityEnd);
        String rest = uri.substring(authorityEnd);
        if (rest.isEmpty()) {
            rest = "/";
        } else if (rest.charAt(0) == '?') {
            rest = "/" + rest;
        }
        return withAuthority(authority, 80, rest);
    }

    /** Parses the authority-form target of CONNECT: {@code host:port}, both required. */
    static Target parseAuthority(String authority) {
        if (authority.indexOf('/') >= 0 || authority.indexOf('?') >= 0) {
            throw new InvalidTarget("CONNECT needs host:port");
        }
        return withAuthority(authority, -1, "");
    }

    private static Target withAuthority(String authority, int defaultPort, String pathAndQuery) {
        if (authority.indexOf('@') >= 0) {
            // RFC 9110 §4.2.4: userinfo in an http URI is to be treated as an error.
            throw new InvalidTarget("user information in request target");
        }
        String host;
        String portText;
        if (authority.startsWith("[")) {
            int close = authority.indexOf(']');
            if (close < 0) {
                throw new InvalidTarget("invalid IPv6 address");
            }
            host = authority.substring(1, close);
            String after = authority.substring(close + 1);
            if (!after.isEmpty() && !after.startsWith(":")) {
                throw new InvalidTarget("invalid authority");
            }
            portText = after.isEmpty() ? null : after.substring(1);
        } else {
            int colon = authority.lastIndexOf(':');
            host = colon < 0 ? authority : authority.substring(0, colon);
            portText = colon < 0 ? null : authority.substring(colon + 1);
        }
        int port = parsePort(portText, defaultPort);
        return ofHost(host, authority.startsWith("["), port, pathAndQuery);
    }

    private static Target ofHost(String rawHost, boolean bracketed, int port, String pathAndQuery) {
        if (bracketed) {
            if (rawHost.indexOf('%') >= 0) {
                throw new InvalidTarget("IPv6 zone identifiers are not allowed");
            }
            byte[] v6 = NetUtil.createByteArrayFromIpAddressString(rawHost);
            if (v6 == null || v6.length != 16) {
                throw new InvalidTarget("invalid IPv6 address");
            }
            return new Target(NetUtil.bytesToIpAddress(v6), v6, port, pathAndQuery);
        }
        String host = rawHost.toLowerCase(Locale.ROOT);
        if (host.endsWith(".")) {
            host = host.substring(0, host.length() - 1);
        }
        if (host.isEmpty()) {
            throw new InvalidTarget("empty host");
        }
        if (Ipv4Literals.looksNumeric(host)) {
            byte[] v4 = Ipv4Literals.parse(host);
            if (v4 == null) {
                throw new InvalidTarget("invalid IPv4 address");
            }
            return new Target(NetUtil.bytesToIpAddress(v4), v4, port, pathAndQuery);
        }
        if (!isHostName(host)) {
            throw new InvalidTarget("invalid host name");
        }
        return new Target(host, null, port, pathAndQuery);
    }

    private static boolean isHostName(String host) {
        if (host.length() > 253) {
            return false;
        }
        for (String label : host.split("\\.", -1)) {
            if (label.isEmpty() || label.length() > 63) {
                return false;
            }
            for (int i = 0; i < label.length(); i++) {
                char c = label.charAt(i);
                if (!(c >= 'a' && c <= 'z' || c >= '0' && c <= '9' || c == '-' || c == '_')) {
                    return false;
                }
            }
        }
        return true;
    }

    private static int parsePort(String text, int defaultPort) {
        if (text == null || text.isEmpty()) {
            if (defaultPort < 0) {
                throw new InvalidTarget("missing port");
            }
            return defaultPort;
        }
        if (text.length() > 5 || !text.chars().allMatch(c -> c >= '0' && c <= '9')) {
            throw new InvalidTarget("invalid port");
        }
        int port = Integer.parseInt(text);
        if (port < 1 || port > 65535) {
            throw new InvalidTarget("invalid port");
        }
        return port;
    }

    boolean isAddress() {
        return address != null;
    }

    /** The {@code Host} header for this target: the default port is left out. */
    String hostHeader() {
        String h = address != null && address.length == 16 ? "[" + host + "]" : host;
        return port == 80 ? h : h + ":" + port;
    }

    /** A request target that cannot be used, with the reason for the 400. */
    static final class InvalidTarget extends RuntimeException {
        InvalidTarget(String reason) {
            super(reason, null, false, false);
        }
    }
}
