package dev.ferry.config;

import static java.util.Objects.requireNonNull;

import java.net.InetSocketAddress;

/**
 * A host and a port as written in the config: {@code 127.0.0.1:8080}, {@code [::1]:8080} or
 * {@code api.internal:443}. The host is kept as written (lower-cased); nothing is resolved here.
 */
public record HostPort(String host, int port) {

    public HostPort {
        requireNonNull(host, "host");
        if (port < 0 || port > 65535) {
            throw new IllegalArgumentException("port out of range: " + port);
        }
    }

    /** An unresolved socket address, so that binding or connecting decides when to resolve. */
    public InetSocketAddress toSocketAddress() {
        return InetSocketAddress.createUnresolved(host, port);
    }

    /** {@code host:port}, with IPv6 literals in brackets. */
    @Override
    public String toString() {
        return host.indexOf(':') >= 0 ? "[" + host + "]:" + port : host + ":" + port;
    }
}
