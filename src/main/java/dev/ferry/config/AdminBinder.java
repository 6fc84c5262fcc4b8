package dev.ferry.config;

import java.util.List;
import java.util.Optional;
import java.util.regex.Pattern;

/** Binds {@code admin}. */
final class AdminBinder {

    static final List<String> KEYS = List.of("bind", "token");
    /** Visible ASCII: the token travels in an {@code Authorization} header, so no spaces or control bytes. */
    private static final Pattern TOKEN = Pattern.compile("[\\x21-\\x7E]+");

    private AdminBinder() {
    }

    static Optional<AdminConfig> bind(Value value) {
        return value.section(KEYS).flatMap(s -> {
            AdminConfig d = AdminConfig.defaults();
            Optional<HostPort> bind = s.has("bind") ? s.optional("bind", v -> v.hostPort(0)) : Optional.of(d.bind());
            Optional<String> token = s.optional("token", v -> v.parsed("a token", AdminBinder::token));
            if (s.has("token") && token.isEmpty()) {
                return Optional.empty();
            }
            return bind.map(b -> new AdminConfig(b, token));
        });
    }

    private static String token(String text) {
        if (text.isEmpty()) {
            throw new BadValue("must not be empty; leave token out to serve the admin API without one");
        }
        if (!TOKEN.matcher(text).matches()) {
            throw new BadValue("must be visible ASCII characters without spaces (it is sent in an "
                    + "Authorization: Bearer header)");
        }
        return text;
    }
}
