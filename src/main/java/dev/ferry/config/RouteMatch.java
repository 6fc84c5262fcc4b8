package dev.ferry.config;

import static java.util.Objects.requireNonNull;

import java.util.Map;
import java.util.Optional;
import java.util.Set;

/**
 * What a request must look like to take a route. Every given condition must hold.
 *
 * @param host exact host ({@code api.example.com}) or wildcard ({@code *.example.com}), lower-case
 * @param pathPrefix the path must start with this; {@code /} matches everything
 * @param methods upper-case method names; empty means any
 * @param headers header name (lower-case) to exact value
 */
public record RouteMatch(Optional<String> host, String pathPrefix, Set<String> methods, Map<String, String> headers) {

    public static final RouteMatch ANY = new RouteMatch(Optional.empty(), "/", Set.of(), Map.of());

    public RouteMatch {
        requireNonNull(host, "host");
        requireNonNull(pathPrefix, "pathPrefix");
        methods = Set.copyOf(methods);
        headers = Map.copyOf(headers);
    }
}
