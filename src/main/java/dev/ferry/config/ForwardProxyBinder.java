package dev.ferry.config;

import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;

/** Binds {@code listeners[i].forward_proxy}. */
final class ForwardProxyBinder {

    static final List<String> KEYS = List.of("connect_ports", "allow_clients", "allow_loopback_targets",
            "deny_targets", "users", "timeouts", "pool", "cache", "rate_limit");

    private ForwardProxyBinder() {
    }

    static Optional<ForwardProxyConfig> bind(Value value, References references) {
        ForwardProxyConfig d = ForwardProxyConfig.defaults();
        return value.section(KEYS).map(s -> new ForwardProxyConfig(
                s.optional("connect_ports", v -> v.listOf(p -> p.port(1)).<Set<Integer>>map(LinkedHashSet::new), d.connectPorts()),
                s.optional("allow_clients", v -> v.listOf(Value::cidr), d.allowClients()),
                s.optional("allow_loopback_targets", Value::bool, d.allowLoopbackTargets()),
                s.optional("deny_targets", v -> v.listOf(Value::cidr), d.denyTargets()),
                s.optional("users", ForwardProxyBinder::users, d.users()),
                s.optional("timeouts", PolicyBinder::timeouts, d.timeouts()),
                s.optional("pool", PolicyBinder::pool, d.pool()),
                s.optional("cache", references::cache),
                s.optional("rate_limit", references::rateLimit)));
    }

    private static Optional<Map<String, String>> users(Value value) {
        return value.map().map(section -> {
            Map<String, String> users = new LinkedHashMap<>();
            for (Section.Field user : section.fields()) {
                // Basic authentication joins name and password with ':', so a name cannot hold one.
                if (user.key().isEmpty() || user.key().indexOf(':') >= 0) {
                    user.keyError("a user name must be non-empty and must not contain ':'");
                    continue;
                }
                user.value().nonEmptyString().ifPresent(password -> users.put(user.key(), password));
            }
            return users;
        });
    }
}
