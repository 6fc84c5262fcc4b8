package dev.ferry.config;

import dev.ferry.config.ListenerConfig.Protocol;
import java.util.List;
import java.util.Optional;
import java.util.stream.Collectors;

/** Binds {@code listeners}, checking names and bind addresses across them and what each protocol allows. */
final class ListenerBinder {

    static final List<String> KEYS = List.of(
            "name", "bind", "protocol", "trusted_proxies", "proxy_protocol", "forward_proxy", "routes", "upstream",
            "rate_limit", "tls", "http2");

    private final References references;
    private final Uniques<String> names = new Uniques<>();
    private final Uniques<HostPort> binds = new Uniques<>();

    ListenerBinder(References references) {
        this.references = references;
    }

    Optional<List<ListenerConfig>> bindAll(Value listeners) {
        return listeners.list().map(items -> {
            if (items.isEmpty()) {
                listeners.error("must list at least one listener");
            }
            return items.stream().map(this::bind).flatMap(Optional::stream).collect(Collectors.toList());
        });
    }

    private Optional<ListenerConfig> bind(Value value) {
        Optional<Section> section = value.section(KEYS);
        if (section.isEmpty()) {
            return Optional.empty();
        }
        Section s = section.get();
        Optional<String> name = s.required("name", v -> v.parsed("a name", Names::name)
                .filter(n -> names.first(v, n)));
        // Port 0 asks the system for a free port, so two listeners may both ask for it.
        Optional<HostPort> bind = s.required("bind", v -> v.hostPort(0)
                .filter(b -> b.port() == 0 || binds.first(v, b)));
        Optional<Protocol> protocol = s.has("protocol")
                ? s.optional("protocol", v -> v.oneOf(Protocol.class)) : Optional.of(Protocol.HTTP);
        List<Cidr> trustedProxies = s.optional("trusted_proxies", v -> v.listOf(Value::cidr), List.of());
        boolean proxyProtocol = s.optional("proxy_protocol", Value::bool, false);
        if (proxyProtocol && trustedProxies.isEmpty()) {
            s.get("proxy_protocol").ifPresent(v -> v.error(
                    "PROXY headers are accepted from trusted_proxies only, and trusted_proxies is empty"));
        }
        if (protocol.isEmpty()) {
            // Which rules apply is unknown, but mistakes inside the blocks are worth reporting now.
            s.optional("forward_proxy", v -> ForwardProxyBinder.bind(v, references));
            s.optional("routes", new RouteBinder(references)::bindAll);
            s.optional("upstream", references::upstream);
            s.optional("tls", TlsBinder::listener);
            s.optional("http2", v -> Http2Binder.bind(v, s.has("tls")));
            return Optional.empty();
        }
        return protocol.get() == Protocol.HTTP
                ? http(s, name, bind, trustedProxies, proxyProtocol) : tcp(s, name, bind, trustedProxies, proxyProtocol);
    }

    private Optional<ListenerConfig> http(Section s, Optional<String> name, Optional<HostPort> bind,
            List<Cidr> trustedProxies, boolean proxyProtocol) {
        Optional<ForwardProxyConfig> forwardProxy =
                s.optional("forward_proxy", v -> ForwardProxyBinder.bind(v, references));
        List<RouteConfig> routes = s.optional("routes", new RouteBinder(references)::bindAll, List.of());
        boolean hasRoutes = s.get("routes").map(Value::isNonEmptyList).orElse(false);
        if (!s.has("forward_proxy") && !hasRoutes) {
            s.error("an http listener needs forward_proxy or routes");
        }
        s.get("upstream").ifPresent(v -> v.error(
                "only a tcp listener has an upstream; an http listener sends requests to upstreams through routes"));
        Optional<Http2Config> http2 = s.has("http2")
                ? s.optional("http2", v -> Http2Binder.bind(v, s.has("tls"))) : Optional.of(Http2Config.DEFAULT);
        if (name.isEmpty() || bind.isEmpty()) {
            return Optional.empty();
        }
        Optional<String> rateLimit = s.optional("rate_limit", references::rateLimit);
        Optional<ListenerTls> tls = s.optional("tls", TlsBinder::listener);
        if (s.has("tls") && tls.isEmpty() || http2.isEmpty()) {
            return Optional.empty();
        }
        return Optional.of(new ListenerConfig(name.get(), bind.get(), Protocol.HTTP, trustedProxies, proxyProtocol, forwardProxy,
                routes, Optional.empty(), rateLimit, tls, http2.get()));
    }

    private Optional<ListenerConfig> tcp(Section s, Optional<String> name, Optional<HostPort> bind,
            List<Cidr> trustedProxies, boolean proxyProtocol) {
        s.get("forward_proxy").ifPresent(v -> v.error("a tcp listener cannot be a forward proxy; "
                + "use protocol: http"));
        s.get("routes").ifPresent(v -> v.error("a tcp listener has no routes; it relays bytes to its upstream"));
        s.get("tls").ifPresent(v -> v.error("a tcp listener relays bytes as they are and does not terminate TLS; "
                + "use protocol: http"));
        s.get("http2").ifPresent(v -> v.error("a tcp listener relays bytes and speaks no HTTP; use protocol: http"));
        if (!s.has("upstream")) {
            s.error("a tcp listener needs upstream: the upstream to relay bytes to");
        }
        Optional<String> upstream = s.optional("upstream", references::upstream);
        if (name.isEmpty() || bind.isEmpty() || upstream.isEmpty()) {
            return Optional.empty();
        }
        return Optional.of(new ListenerConfig(name.get(), bind.get(), Protocol.TCP, trustedProxies, proxyProtocol,
                Optional.empty(), List.of(), upstream, Optional.empty()));
    }
}
