package dev.ferry.config;

import dev.ferry.config.UpstreamConfig.Balance;
import java.util.List;
import java.util.Locale;
import java.util.Optional;
import java.util.stream.Collectors;

/** Binds one entry of {@code upstreams}. */
final class UpstreamBinder {

    static final List<String> KEYS = List.of(
            "balance", "hash_key", "servers", "queue", "timeouts", "retries", "pool", "host",
            "health_check", "outlier", "fail_open", "slow_start", "proxy_protocol", "tls");
    static final List<String> SERVER_KEYS = List.of("address", "weight", "max_connections");
    static final String HASH_KEYS = "client_ip, header:NAME or cookie:NAME";

    private UpstreamBinder() {
    }

    static Optional<UpstreamConfig> bind(Section.Field field) {
        boolean goodName = true;
        try {
            Names.name(field.key());
        } catch (BadValue e) {
            field.keyError(e.getMessage());
            goodName = false;
        }
        Optional<Section> section = field.value().section(KEYS);
        if (section.isEmpty()) {
            return Optional.empty();
        }
        Section s = section.get();
        Optional<Balance> balance = s.has("balance")
                ? s.optional("balance", v -> v.oneOf(Balance.class)) : Optional.of(Balance.ROUND_ROBIN);
        Optional<HashKey> hashKey = s.optional("hash_key", v -> v.parsed(HASH_KEYS, UpstreamBinder::hashKey));
        if (balance.isPresent()) {
            if (balance.get() == Balance.CONSISTENT_HASH && !s.has("hash_key")) {
                s.error("balance consistent_hash needs hash_key: " + HASH_KEYS);
            } else if (balance.get() != Balance.CONSISTENT_HASH) {
                s.get("hash_key").ifPresent(v -> v.error("is only used with balance: consistent_hash"));
            }
        }
        Optional<List<ServerConfig>> servers = s.required("servers", v -> servers(v, s.has("tls")));
        QueueConfig queue = s.optional("queue", PolicyBinder::queue, QueueConfig.DEFAULT);
        UpstreamTimeouts timeouts = s.optional("timeouts", PolicyBinder::timeouts, UpstreamTimeouts.DEFAULT);
        RetryConfig retries = s.optional("retries", PolicyBinder::retries, RetryConfig.DEFAULT);
        PoolConfig pool = s.optional("pool", PolicyBinder::pool, PoolConfig.DEFAULT);
        Optional<String> host = s.optional("host", v -> v.parsed("a host name", Names::hostHeader));
        HealthConfig health = HealthBinder.bind(s);
        Optional<UpstreamConfig.ProxyProtocol> proxyProtocol =
                s.optional("proxy_protocol", v -> v.oneOf(UpstreamConfig.ProxyProtocol.class));
        Optional<UpstreamTls> tlsBlock = s.optional("tls", TlsBinder::upstream);
        if (!goodName || balance.isEmpty() || servers.isEmpty() || servers.get().isEmpty()
                || s.has("tls") && tlsBlock.isEmpty()) {
            return Optional.empty();
        }
        List<ServerConfig> bound = servers.get();
        if (proxyProtocol.isPresent() && (tlsBlock.isPresent() || bound.stream().anyMatch(ServerConfig::tls))) {
            // The PROXY header would have to go out before the handshake; not supported yet.
            s.get("proxy_protocol").ifPresent(v -> v.error("cannot be combined with TLS to the servers"));
            return Optional.empty();
        }
        Optional<UpstreamTls> tls = tlsBlock;
        if (tls.isPresent()) {
            // A tls block means every server speaks TLS.
            bound = bound.stream().map(server -> new ServerConfig(server.address(), server.weight(),
                    server.maxConnections(), true)).collect(Collectors.toList());
        } else if (bound.stream().anyMatch(ServerConfig::tls)) {
            tls = Optional.of(UpstreamTls.defaults(s.path() + ".tls"));
        }
        return Optional.of(new UpstreamConfig(field.key(), balance.get(),
                balance.get() == Balance.CONSISTENT_HASH ? hashKey : Optional.empty(),
                bound, queue, timeouts, retries, pool, host, health, proxyProtocol, tls));
    }

    private static Optional<List<ServerConfig>> servers(Value value, boolean tlsBlock) {
        Uniques<HostPort> addresses = new Uniques<>();
        return value.list().map(items -> {
            if (items.isEmpty()) {
                value.error("must list at least one server");
            }
            return items.stream().map(item -> server(item, addresses, tlsBlock)).flatMap(Optional::stream)
                    .collect(Collectors.toList());
        });
    }

    /** {@code {address, weight, max_connections}}, or just the address as a string. */
    private static Optional<ServerConfig> server(Value value, Uniques<HostPort> addresses, boolean tlsBlock) {
        if (value.isScalar()) {
            return address(value, addresses, tlsBlock).map(a -> new ServerConfig(a.hostPort(), 1, 0, a.tls()));
        }
        return value.section(SERVER_KEYS).flatMap(s -> {
            Optional<Address> address = s.required("address", v -> address(v, addresses, tlsBlock));
            int weight = s.optional("weight", v -> v.integer(1, 1000), 1);
            int maxConnections = s.optional("max_connections", v -> v.integer(0, Integer.MAX_VALUE), 0);
            return address.map(a -> new ServerConfig(a.hostPort(), weight, maxConnections, a.tls()));
        });
    }

    private static Optional<Address> address(Value value, Uniques<HostPort> addresses, boolean tlsBlock) {
        return value.parsed("host:port or https://host[:port]", UpstreamBinder::address).filter(a -> {
            if (!a.tls() && a.explicitScheme() && tlsBlock) {
                value.error("is http:// but the upstream has a tls block; write https:// or host:port");
                return false;
            }
            return addresses.first(value, a.hostPort());
        });
    }

    /** A server address: {@code host:port}, {@code http://host[:port]} or {@code https://host[:port]}. */
    record Address(HostPort hostPort, boolean tls, boolean explicitScheme) {
    }

    static Address address(String text) {
        String s = text.strip();
        int schemeEnd = s.indexOf("://");
        if (schemeEnd < 0) {
            return new Address(HostPorts.parse(s, 1), false, false);
        }
        String scheme = s.substring(0, schemeEnd).toLowerCase(Locale.ROOT);
        if (!scheme.equals("http") && !scheme.equals("https")) {
            throw new BadValue("'" + text + "': the scheme must be http:// or https://");
        }
        String authority = s.substring(schemeEnd + 3);
        if (authority.endsWith("/")) {
            authority = authority.substring(0, authority.length() - 1);
        }
        if (authority.contains("/") || authority.contains("?") || authority.contains("@")) {
            throw new BadValue("'" + text + "': a server address has no path, query or user; expected "
                    + scheme + "://host[:port]");
        }
        boolean tls = scheme.equals("https");
        boolean hasPort = authority.startsWith("[") ? authority.contains("]:") : authority.contains(":");
        return new Address(HostPorts.parse(hasPort ? authority : authority + (tls ? ":443" : ":80"), 1), tls, true);
    }

    static HashKey hashKey(String text) {
        if (text.equals("client_ip")) {
            return new HashKey(HashKey.Source.CLIENT_IP, "");
        }
        int colon = text.indexOf(':');
        String kind = colon < 0 ? text : text.substring(0, colon);
        String name = colon < 0 ? "" : text.substring(colon + 1);
        if (colon < 0 || !(kind.equals("header") || kind.equals("cookie"))) {
            throw new BadValue("'" + text + "' is not a hash key; expected " + HASH_KEYS);
        }
        if (name.isEmpty()) {
            throw new BadValue("'" + text + "' needs a " + kind + " name after the ':'");
        }
        if (kind.equals("header")) {
            // Header names ignore case; one spelling makes the lookup simple.
            return new HashKey(HashKey.Source.HEADER, Names.token(name, "header name").toLowerCase(Locale.ROOT));
        }
        return new HashKey(HashKey.Source.COOKIE, Names.token(name, "cookie name"));
    }
}
