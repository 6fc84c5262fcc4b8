package dev.ferry.config;

import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;

/**
 * Binds the {@code tls} blocks of listeners and upstreams. Files are resolved against the config
 * file's folder and must be readable now; what is inside them is checked when the TLS contexts
 * are built (dev.ferry.tls.TlsContexts), which names the same paths.
 */
final class TlsBinder {

    static final List<String> LISTENER_KEYS = List.of("cert", "key", "certificates", "handshake_timeout");
    static final List<String> CERTIFICATE_KEYS = List.of("cert", "key");
    static final List<String> UPSTREAM_KEYS = List.of("ca", "verify", "server_name");

    private TlsBinder() {
    }

    /** {@code {cert, key}}, or {@code {certificates: [{cert, key}, ...]}}; both may add {@code handshake_timeout}. */
    static Optional<ListenerTls> listener(Value value) {
        return value.section(LISTENER_KEYS).flatMap(s -> {
            List<ListenerTls.Certificate> certificates = new ArrayList<>();
            boolean ok = true;
            boolean shortForm = s.has("cert") || s.has("key");
            if (shortForm && s.has("certificates")) {
                s.error("write either cert and key, or certificates: [{cert, key}, ...], not both");
                ok = false;
            } else if (shortForm) {
                Optional<ListenerTls.Certificate> one = pair(s);
                ok = one.isPresent();
                one.ifPresent(certificates::add);
            } else if (s.has("certificates")) {
                Optional<List<Value>> items = s.get("certificates").flatMap(Value::list);
                ok = items.isPresent();
                if (items.isPresent() && items.get().isEmpty()) {
                    s.get("certificates").ifPresent(v -> v.error("must list at least one certificate"));
                    ok = false;
                }
                for (Value item : items.orElse(List.of())) {
                    Optional<ListenerTls.Certificate> one = item.section(CERTIFICATE_KEYS).flatMap(TlsBinder::pair);
                    ok &= one.isPresent();
                    one.ifPresent(certificates::add);
                }
            } else {
                s.error("needs cert and key (PEM files), or certificates: [{cert, key}, ...]");
                ok = false;
            }
            Duration timeout = s.optional("handshake_timeout", v -> v.duration(true),
                    ListenerTls.DEFAULT_HANDSHAKE_TIMEOUT);
            return ok ? Optional.of(new ListenerTls(certificates, timeout)) : Optional.empty();
        });
    }

    private static Optional<ListenerTls.Certificate> pair(Section s) {
        Optional<Path> cert = s.required("cert", Value::readableFile);
        Optional<Path> key = s.required("key", Value::readableFile);
        if (cert.isEmpty() || key.isEmpty()) {
            return Optional.empty();
        }
        return Optional.of(new ListenerTls.Certificate(cert.get(), key.get(), s.path()));
    }

    /** A DNS name or an IP address, without a port. */
    static String serverName(String text) {
        String name = text.strip().toLowerCase(java.util.Locale.ROOT);
        if (name.startsWith("[") && name.endsWith("]")) {
            name = name.substring(1, name.length() - 1);
        }
        if (IpLiterals.parseIpv6(name) == null) {
            Names.checkHost(name);
        }
        return name;
    }

    static Optional<UpstreamTls> upstream(Value value) {
        return value.section(UPSTREAM_KEYS).map(s -> new UpstreamTls(
                s.optional("ca", Value::readableFile),
                s.optional("verify", Value::bool, true),
                s.optional("server_name", v -> v.parsed("a host name", TlsBinder::serverName)),
                s.path()));
    }
}
