package dev.ferry.config;

import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;

/**
 * Forward-proxy behaviour of a listener ({@code listeners[i].forward_proxy}).
 *
 * @param connectPorts {@code CONNECT} is allowed only to these ports
 * @param allowClients only clients from these blocks may use the proxy (403 otherwise)
 * @param allowLoopbackTargets when false, loopback, link-local, unspecified and Ferry's own
 *     addresses are refused as targets
 * @param denyTargets further target blocks refused with 403 (private ranges, say)
 * @param users user name to password for Basic proxy authentication; empty means none required
 * @param timeouts timeouts towards the targets; {@code tunnel} is the idle timeout of CONNECT tunnels
 * @param pool keep-alive pool towards the targets
 * @param cache the cache (a name in {@code caches}) for proxied requests, if any
 * @param rateLimit a rate limit (a name in {@code rate_limits}) for proxied requests, if any
 */
public record ForwardProxyConfig(
        Set<Integer> connectPorts,
        List<Cidr> allowClients,
        boolean allowLoopbackTargets,
        List<Cidr> denyTargets,
        Map<String, String> users,
        UpstreamTimeouts timeouts,
        PoolConfig pool,
        Optional<String> cache,
        Optional<String> rateLimit) {

    public static final Set<Integer> DEFAULT_CONNECT_PORTS = Set.of(443);

    public ForwardProxyConfig {
        connectPorts = Set.copyOf(connectPorts);
        allowClients = List.copyOf(allowClients);
        denyTargets = List.copyOf(denyTargets);
        users = Map.copyOf(users);
        java.util.Objects.requireNonNull(cache, "cache");
        java.util.Objects.requireNonNull(rateLimit, "rateLimit");
    }

    /** The defaults: CONNECT to 443, loopback clients only, no authentication. */
    public static ForwardProxyConfig defaults() {
        return new ForwardProxyConfig(DEFAULT_CONNECT_PORTS, Defaults.LOOPBACK_CLIENTS, false, List.of(),
                Map.of(), UpstreamTimeouts.DEFAULT, PoolConfig.DEFAULT, Optional.empty(), Optional.empty());
    }
}
