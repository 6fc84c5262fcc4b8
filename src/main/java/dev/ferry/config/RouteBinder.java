package dev.ferry.config;

import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.stream.Collectors;

/** Binds the {@code routes} of one listener; route names are unique within it. */
final class RouteBinder {

    static final List<String> KEYS = List.of("name", "match", "upstream", "timeouts", "retries", "cache",
            "rate_limit");
    static final List<String> MATCH_KEYS = List.of("host", "path_prefix", "methods", "headers");

    private final References references;
    private final Uniques<String> names = new Uniques<>();

    RouteBinder(References references) {
        this.references = references;
    }

    Optional<List<RouteConfig>> bindAll(Value routes) {
        return routes.list().map(items ->
                items.stream().map(this::bind).flatMap(Optional::stream).collect(Collectors.toList()));
    }

    private Optional<RouteConfig> bind(Value value) {
        return value.section(KEYS).flatMap(s -> {
            Optional<String> name = s.required("name", v -> v.parsed("a name", Names::name)
                    .filter(n -> names.first(v, n)));
            RouteMatch match = s.optional("match", RouteBinder::match, RouteMatch.ANY);
            Optional<String> upstream = s.required("upstream", references::upstream);
            RouteConfig.TimeoutOverrides timeouts = s.optional("timeouts", PolicyBinder::timeoutOverrides,
                    RouteConfig.TimeoutOverrides.NONE);
            Optional<RetryConfig> retries = s.optional("retries", PolicyBinder::retries);
            boolean cacheWritten = s.has("cache");
            Optional<String> cache = s.optional("cache", references::cache);
            boolean limitWritten = s.has("rate_limit");
            Optional<String> rateLimit = s.optional("rate_limit", references::rateLimit);
            if (name.isEmpty() || upstream.isEmpty() || cacheWritten && cache.isEmpty()
                    || limitWritten && rateLimit.isEmpty()) {
                return Optional.empty();
            }
            return Optional.of(new RouteConfig(name.get(), match, upstream.get(), timeouts, retries, cache, rateLimit));
        });
    }

    private static Optional<RouteMatch> match(Value value) {
        return value.section(MATCH_KEYS).map(s -> new RouteMatch(
                s.optional("host", v -> v.parsed("a host name", Names::routeHost)),
                s.optional("path_prefix", v -> v.parsed("a path such as /api", RouteBinder::pathPrefix), "/"),
                s.optional("methods", v -> v.listOf(m -> m.parsed("a method name", RouteBinder::method))
                        .map(Set::copyOf), Set.of()),
                s.optional("headers", RouteBinder::headers, Map.of())));
    }

    static String pathPrefix(String text) {
        if (!text.startsWith("/")) {
            throw new BadValue("must start with '/', got '" + text + "'");
        }
        // The prefix is compared with the request path, which never holds these.
        if (text.chars().anyMatch(c -> c <= ' ' || c == '?' || c == '#' || c == 0x7F)) {
            throw new BadValue("'" + text + "' must not contain spaces, control characters, '?' or '#'");
        }
        return text;
    }

    static String method(String text) {
        return Names.token(text, "method name").toUpperCase(Locale.ROOT);
    }

    private static Optional<Map<String, String>> headers(Value value) {
        return value.map().map(section -> {
            Map<String, String> headers = new LinkedHashMap<>();
            Map<String, String> written = new LinkedHashMap<>();
            for (Section.Field header : section.fields()) {
                String name = header.key().toLowerCase(Locale.ROOT);
                try {
                    Names.token(header.key(), "header name");
                } catch (BadValue e) {
                    header.keyError(e.getMessage());
                    continue;
                }
                String first = written.putIfAbsent(name, header.key());
                if (first != null) {
                    // Header names ignore case, so X-Env and x-env are the same condition twice.
                    header.keyError("header '" + header.key() + "' is already matched as '" + first + "'");
                    continue;
                }
                header.value().string().ifPresent(text -> headers.put(name, text));
            }
            return headers;
        });
    }
}
