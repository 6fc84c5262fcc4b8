package dev.ferry.route;

import dev.ferry.config.RetryConfig;
import dev.ferry.config.RouteMatch;
import dev.ferry.http.Interceptor;
import dev.ferry.upstream.CallOptions;
import dev.ferry.upstream.Upstream;
import io.netty.handler.codec.http.HttpHeaders;
import io.netty.handler.codec.http.HttpRequest;
import java.util.List;
import java.util.Map;

/**
 * A compiled route: its match conditions and where matching requests go (with the route's own
 * timeouts and retry attempts).
 */
public final class Route {

    private final String name;
    private final HostMatcher host;
    private final String pathPrefix;
    private final RouteMatch match;
    private final Upstream upstream;
    private final CallOptions options;
    private final RetryConfig retries;
    private final List<Interceptor> interceptors;

    /**
     * @param interceptors what runs before the upstream (the route's cache, rate limit), in order
     */
    public Route(String name, RouteMatch match, Upstream upstream, CallOptions options, RetryConfig retries,
                 List<Interceptor> interceptors) {
        this.name = name;
        this.match = match;
        this.host = match.host().map(HostMatcher::of).orElse(null);
        this.pathPrefix = match.pathPrefix();
        this.upstream = upstream;
        this.options = options;
        this.retries = retries;
        this.interceptors = List.copyOf(interceptors);
    }

    public String name() {
        return name;
    }

    Upstream upstream() {
        return upstream;
    }

    CallOptions options() {
        return options;
    }

    RetryConfig retries() {
        return retries;
    }

    List<Interceptor> interceptors() {
        return interceptors;
    }

    /** Whether this route names hosts, and {@code host} is one of them. */
    boolean servesHost(String host) {
        return this.host != null && this.host.matches(host);
    }

    /** @param host the request's host, lower-case without port; {@code path} without the query */
    boolean matches(HttpRequest request, String host, String path) {
        if (this.host != null && !this.host.matches(host)) {
            return false;
        }
        if (!path.startsWith(pathPrefix)) {
            return false;
        }
        if (!match.methods().isEmpty() && !match.methods().contains(request.method().name())) {
            return false;
        }
        if (!match.headers().isEmpty()) {
            HttpHeaders headers = request.headers();
            for (Map.Entry<String, String> required : match.headers().entrySet()) {
                if (!required.getValue().equals(headers.get(required.getKey()))) {
                    return false;
                }
            }
        }
        return true;
    }
}
