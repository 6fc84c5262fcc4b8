package dev.ferry.config;

import static java.util.Objects.requireNonNull;

import java.util.List;
import java.util.Optional;

/**
 * One bound address and what it serves.
 *
 * <p>An {@code http} listener serves absolute-form requests and {@code CONNECT} when it has a
 * {@link #forwardProxy()}, and origin-form requests through its {@link #routes()}. A {@code tcp}
 * listener relays bytes to a server of {@link #upstream()}.
 *
 * @param name unique among listeners
 * @param bind address to listen on; port 0 picks a free port
 * @param protocol http or tcp
 * @param trustedProxies peers whose {@code X-Forwarded-*}, {@code Forwarded} and PROXY headers are believed
 * @param proxyProtocol accept a PROXY protocol header (v1 or v2) from trusted proxies, and take the
 *     client address from it; a PROXY header from anyone else is refused
 * @param forwardProxy present when this listener is a forward proxy
 * @param routes reverse-proxy routes, first match wins; may be empty
 * @param upstream for tcp listeners, the upstream to relay to
 * @param rateLimit a rate limit (a name in {@code rate_limits}) for every request of the listener
 * @param tls present when the listener terminates TLS (http listeners only)
 * @param http2 HTTP/2 to clients: h2c, ALPN on TLS listeners, and the protections of each connection
 */
public record ListenerConfig(
        String name,
        HostPort bind,
        Protocol protocol,
        List<Cidr> trustedProxies,
        boolean proxyProtocol,
        Optional<ForwardProxyConfig> forwardProxy,
        List<RouteConfig> routes,
        Optional<String> upstream,
        Optional<String> rateLimit,
        Optional<ListenerTls> tls,
        Http2Config http2) {

    public enum Protocol { HTTP, TCP }

    public ListenerConfig {
        requireNonNull(name, "name");
        requireNonNull(bind, "bind");
        requireNonNull(protocol, "protocol");
        trustedProxies = List.copyOf(trustedProxies);
        requireNonNull(forwardProxy, "forwardProxy");
        routes = List.copyOf(routes);
        requireNonNull(upstream, "upstream");
        requireNonNull(rateLimit, "rateLimit");
        requireNonNull(tls, "tls");
        requireNonNull(http2, "http2");
    }

    /** A listener without TLS. */
    public ListenerConfig(String name, HostPort bind, Protocol protocol, List<Cidr> trustedProxies,
            boolean proxyProtocol, Optional<ForwardProxyConfig> forwardProxy, List<RouteConfig> routes,
            Optional<String> upstream, Optional<String> rateLimit) {
        this(name, bind, protocol, trustedProxies, proxyProtocol, forwardProxy, routes, upstream, rateLimit,
                Optional.empty(), Http2Config.DEFAULT);
    }

    /** A listener with the default HTTP/2 settings. */
    public ListenerConfig(String name, HostPort bind, Protocol protocol, List<Cidr> trustedProxies,
            boolean proxyProtocol, Optional<ForwardProxyConfig> forwardProxy, List<RouteConfig> routes,
            Optional<String> upstream, Optional<String> rateLimit, Optional<ListenerTls> tls) {
        this(name, bind, protocol, trustedProxies, proxyProtocol, forwardProxy, routes, upstream, rateLimit,
                tls, Http2Config.DEFAULT);
    }

    /** {@code https} when the listener terminates TLS, else {@code http}: what clients used to reach it. */
    public String scheme() {
        return tls.isPresent() ? "https" : "http";
    }
}
