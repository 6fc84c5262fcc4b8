package dev.ferry.admin;

import dev.ferry.config.AdminConfig;
import dev.ferry.server.FerryServer;
import io.netty.handler.codec.http.HttpHeaderNames;
import io.netty.handler.codec.http.HttpMethod;
import io.netty.handler.codec.http.HttpResponseStatus;
import java.util.List;
import java.util.Locale;
import java.util.function.Supplier;
import java.util.regex.Pattern;

/**
 * The admin listener's endpoints. Health, readiness and the dashboard's files are open; {@code /metrics}
 * and {@code /api/*} need the bearer token when one is configured. Without a token, only requests
 * addressed to an IP address, {@code localhost} or the bind host are answered, so that a web page
 * cannot reach the API through DNS rebinding; and a browser's cross-origin POST is always refused.
 */
final class AdminRouter {

    static final String PROMETHEUS_TEXT = "text/plain; version=0.0.4; charset=utf-8";
    static final String OPENMETRICS = "application/openmetrics-text; version=1.0.0; charset=utf-8";
    private static final Pattern IPV4 = Pattern.compile("[0-9]{1,3}(\\.[0-9]{1,3}){3}");

    private final FerryServer ferry;
    private final AdminConfig config;
    private final BearerToken token;
    private final Assets assets;
    private final StatsEndpoints stats;
    private final ActionEndpoints actions;

    AdminRouter(FerryServer ferry, AdminConfig config, StatsSampler sampler, Assets assets) {
        this.ferry = ferry;
        this.config = config;
        this.token = config.token().map(BearerToken::new).orElse(null);
        this.assets = assets;
        this.stats = new StatsEndpoints(ferry, sampler);
        this.actions = new ActionEndpoints(ferry, stats);
    }

    Reply handle(AdminRequest request) {
        String path = request.path();
        if (token == null && !hostAllowed(request.header(HttpHeaderNames.HOST))) {
            return Reply.error(HttpResponseStatus.FORBIDDEN, "the admin listener has no token, so it answers only "
                    + "requests to an IP address, localhost or " + config.bind().host() + "; set admin.token to "
                    + "reach it by another name");
        }
        if (request.method() == HttpMethod.POST && crossOrigin(request)) {
            return Reply.error(HttpResponseStatus.FORBIDDEN, "cross-origin requests are refused");
        }
        boolean protectedPath = path.equals("/metrics") || path.equals("/api") || path.startsWith("/api/");
        if (protectedPath && token != null && !token.accepts(request.header(HttpHeaderNames.AUTHORIZATION))) {
            return Reply.error(HttpResponseStatus.UNAUTHORIZED, request.header(HttpHeaderNames.AUTHORIZATION) == null
                            ? "this endpoint needs Authorization: Bearer <admin.token>" : "wrong token")
                    .withHeader("WWW-Authenticate", "Bearer realm=\"ferry-admin\"");
        }
        List<String> segments = request.segments();
        return switch (path) {
            case "/" -> get(request, () -> assets.get(Assets.INDEX));
            case "/healthz" -> get(request, this::healthz);
            case "/readyz" -> get(request, this::readyz);
            case "/metrics" -> get(request, () -> metrics(request));
            case "/api/stats" -> get(request, stats::stats);
            case "/api/upstreams" -> get(request, stats::upstreams);
            case "/api/cache" -> get(request, stats::caches);
            case "/api/config" -> get(request, this::config);
            case "/api/cache/purge" -> post(request, () -> jsonBody(request, () -> actions.purge(request)));
            case "/api/reload" -> post(request, actions::reload);
            default -> other(request, segments);
        };
    }

    private Reply other(AdminRequest request, List<String> segments) {
        if (segments.size() == 2 && segments.get(0).equals("assets")) {
            Reply asset = segments.get(1).equals(Assets.INDEX) ? null : assets.get(segments.get(1));
            return asset == null ? notFound(request) : get(request, () -> asset);
        }
        // api/upstreams/{name}/servers/{address}/drain|undrain
        if (segments.size() == 6 && segments.get(0).equals("api") && segments.get(1).equals("upstreams")
                && segments.get(3).equals("servers")
                && (segments.get(5).equals("drain") || segments.get(5).equals("undrain"))) {
            return post(request, () -> actions.drain(segments.get(2), segments.get(4), segments.get(5).equals("drain")));
        }
        return notFound(request);
    }

    private static Reply notFound(AdminRequest request) {
        return Reply.error(HttpResponseStatus.NOT_FOUND, "no such endpoint: " + request.path()
                + " (endpoints: /, /healthz, /readyz, /metrics, /api/stats, /api/upstreams, /api/cache, /api/config, "
                + "POST /api/cache/purge, POST /api/reload, POST /api/upstreams/{name}/servers/{address}/drain)");
    }

    private static Reply get(AdminRequest request, Supplier<Reply> endpoint) {
        if (request.method() != HttpMethod.GET && request.method() != HttpMethod.HEAD) {
            return methodNotAllowed(request, "GET, HEAD");
        }
        return endpoint.get();
    }

    private static Reply post(AdminRequest request, Supplier<Reply> endpoint) {
        if (request.method() != HttpMethod.POST) {
            return methodNotAllowed(request, "POST");
        }
        return endpoint.get();
    }

    private static Reply methodNotAllowed(AdminRequest request, String allowed) {
        return Reply.error(HttpResponseStatus.METHOD_NOT_ALLOWED, request.method() + " is not allowed on "
                + request.path() + "; use " + allowed).withHeader("Allow", allowed);
    }

    /**
     * A body must be JSON. It may say so, or say nothing, or carry curl's default for {@code -d}
     * ({@code application/x-www-form-urlencoded}); any other type is refused.
     */
    private static Reply jsonBody(AdminRequest request, Supplier<Reply> endpoint) {
        String type = request.header(HttpHeaderNames.CONTENT_TYPE);
        String lower = type == null ? "" : type.toLowerCase(Locale.ROOT);
        if (type != null && !lower.startsWith("application/json")
                && !lower.startsWith("application/x-www-form-urlencoded")) {
            return Reply.error(HttpResponseStatus.UNSUPPORTED_MEDIA_TYPE, "the body must be application/json, got "
                    + type);
        }
        return endpoint.get();
    }

    private Reply healthz() {
        return Reply.ok(json -> {
            json.writeStartObject();
            json.writeStringField("status", "ok");
            json.writeEndObject();
        });
    }

    /** 503 from the moment a shutdown begins, so load balancers stop sending before the listeners close. */
    private Reply readyz() {
        boolean ready = ferry.ready();
        return Reply.json(ready ? HttpResponseStatus.OK : HttpResponseStatus.SERVICE_UNAVAILABLE, json -> {
            json.writeStartObject();
            json.writeBooleanField("ready", ready);
            if (!ready) {
                json.writeStringField("reason", "starting or shutting down");
            }
            json.writeEndObject();
        });
    }

    private Reply metrics(AdminRequest request) {
        String accept = request.header(HttpHeaderNames.ACCEPT);
        String type = accept != null && accept.contains("application/openmetrics-text") ? OPENMETRICS : PROMETHEUS_TEXT;
        return Reply.text(HttpResponseStatus.OK, type, ferry.metrics().scrape(type));
    }

    private Reply config() {
        return Reply.ok(json -> ConfigJson.write(json, ferry.config()));
    }

    /** Whether {@code host} (a Host header) names this listener by address, or as localhost. */
    private boolean hostAllowed(String host) {
        if (host == null) {
            // HTTP/1.0 without Host: nothing a browser would send.
            return true;
        }
        String name = host.strip().toLowerCase(Locale.ROOT);
        if (name.startsWith("[")) {
            return true;
        }
        int colon = name.lastIndexOf(':');
        if (colon >= 0) {
            name = name.substring(0, colon);
        }
        return IPV4.matcher(name).matches() || name.equals("localhost") || name.equals(config.bind().host());
    }

    /** A browser says where a request comes from; a request from another site's page is refused. */
    private static boolean crossOrigin(AdminRequest request) {
        String fetchSite = request.header("Sec-Fetch-Site");
        if (fetchSite != null && fetchSite.equalsIgnoreCase("cross-site")) {
            return true;
        }
        String origin = request.header(HttpHeaderNames.ORIGIN);
        String host = request.header(HttpHeaderNames.HOST);
        if (origin == null) {
            return false;
        }
        String withoutScheme = origin.replaceFirst("^[a-zA-Z][a-zA-Z0-9+.-]*://", "");
        return host == null || !withoutScheme.equalsIgnoreCase(host);
    }
}
