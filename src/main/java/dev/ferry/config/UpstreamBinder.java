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
            "health_check", "outlier", "fail_open", "slow_start", "proxy_protocol");
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
        Optional<List<ServerConfig>> servers = s.required("servers", UpstreamBinder::servers);
        QueueConfig queue = s.optional("queue", PolicyBinder::queue, QueueConfig.DEFAULT);
        UpstreamTimeouts timeouts = s.optional("timeouts", PolicyBinder::timeouts, UpstreamTimeouts.DEFAULT);
        RetryConfig retries = s.optional("retries", PolicyBinder::retries, RetryConfig.DEFAULT);
        PoolConfig pool = s.optional("pool", PolicyBinder::pool, PoolConfig.DEFAULT);
        Optional<String> host = s.optional("host", v -> v.parsed("a host name", Names::hostHeader));
        HealthConfig health = HealthBinder.bind(s);
        Optional<UpstreamConfig.ProxyProtocol> proxyProtocol =
                s.optional("proxy_protocol", v -> v.oneOf(UpstreamConfig.ProxyProtocol.class));
        if (!goodName || balance.isEmpty() || servers.isEmpty() || servers.get().isEmpty()) {
            return Optional.empty();
        }
        return Optional.of(new UpstreamConfig(field.key(), balance.get(),
                balance.get() == Balance.CONSISTENT_HASH ? hashKey : Optional.empty(),
                servers.get(), queue, timeouts, retries, pool, host, health, proxyProtocol));
    }

    private static Optional<List<ServerConfig>> servers(Value value) {
        Uniques<HostPort> addresses = new Uniques<>();
        return value.list().map(items -> {
            if (items.isEmpty()) {
                value.error("must list at least one server");
            }
            return items.stream().map(item -> server(item, addresses)).flatMap(Optional::stream)
                    .collect(Collectors.toList());
        });
    }

    /** {@code {address, weight, max_connections}}, or just the address as a string. */
    private static Optional<ServerConfig> server(Value value, Uniques<HostPort> addresses) {
        if (value.isScalar()) {
            return value.hostPort(1).filter(a -> addresses.first(value, a)).map(a -> new ServerConfig(a, 1, 0));
        }
        return value.section(SERVER_KEYS).flatMap(s -> {
            Optional<HostPort> address = s.required("address", v -> v.hostPort(1).filter(a -> addresses.first(v, a)));
            int weight = s.optional("weight", v -> v.integer(1, 1000), 1);
            int maxConnections = s.optional("max_connections", v -> v.integer(0, Integer.MAX_VALUE), 0);
            return address.map(a -> new ServerConfig(a, weight, maxConnections));
        });
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
