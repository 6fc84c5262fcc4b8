package dev.ferry.route;

import dev.ferry.config.Cidr;
import dev.ferry.http.Exchange;
import dev.ferry.http.Forwarding;
import dev.ferry.http.Hop;
import dev.ferry.http.Interceptor;
import dev.ferry.http.RequestHandler;
import dev.ferry.upstream.UpstreamRequest;
import io.netty.handler.codec.http.HttpHeaderNames;
import io.netty.handler.codec.http.HttpHeaderValues;
import io.netty.handler.codec.http.HttpHeaders;
import io.netty.handler.codec.http.HttpMethod;
import io.netty.handler.codec.http.HttpRequest;
import io.netty.handler.codec.http.HttpResponseStatus;
import java.net.InetAddress;
import java.util.List;

/**
 * The reverse proxy of a listener: the first route whose conditions all hold takes the request
 * (404 when none does); the request gets its forwarding headers and goes through the
 * interceptors to the route's upstream.
 */
public final class Router implements RequestHandler {

    private final List<Route> routes;
    private final List<Cidr> trustedProxies;

    public Router(List<Route> routes, List<Cidr> trustedProxies) {
        this.routes = List.copyOf(routes);
        this.trustedProxies = List.copyOf(trustedProxies);
    }

    /** Whether a route names {@code host} explicitly: only such hosts are accepted in absolute-form. */
    public boolean servesHost(String host) {
        String normalised = HostMatcher.hostOf(host);
        for (Route route : routes) {
            if (route.servesHost(normalised)) {
                return true;
            }
        }
        return false;
    }

    @Override
    public void handle(Exchange exchange) {
        HttpRequest request = exchange.request();
        String host = HostMatcher.hostOf(request.headers().get(HttpHeaderNames.HOST));
        String uri = request.uri();
        int query = uri.indexOf('?');
        String path = query < 0 ? uri : uri.substring(0, query);
        for (Route route : routes) {
            if (route.matches(request, host, path)) {
                serve(exchange, route);
                return;
            }
        }
        exchange.respond(HttpResponseStatus.NOT_FOUND, "no route for " + (host.isEmpty() ? "" : host) + path);
    }

    private void serve(Exchange exchange, Route route) {
        exchange.route(route.name());
        boolean upgrade = isWebSocketUpgrade(exchange.request());
        Interceptor.Chain send = ex -> {
            prepare(ex, route, upgrade);
            UpstreamRequest.send(ex, route.upstream(), route.options(), route.retries(), upgrade);
        };
        // Interceptors see the request as the client sent it (a cache keys on the client's Host).
        (upgrade ? send : Interceptor.chain(route.interceptors(), send)).proceed(exchange);
    }

    /** Forwarding headers, the upstream's Host, hop-by-hop fields out, Via in. */
    private void prepare(Exchange exchange, Route route, boolean upgrade) {
        HttpHeaders headers = exchange.request().headers();
        InetAddress client = exchange.clientAddress().getAddress();
        Forwarding.apply(headers, client, trusted(exchange.peerAddress().getAddress()), exchange.scheme());
        route.upstream().host().ifPresent(host -> headers.set(HttpHeaderNames.HOST, host));
        Hop.prepareRequest(exchange.request(), exchange.via());
        if (upgrade) {
            headers.set(HttpHeaderNames.CONNECTION, HttpHeaderValues.UPGRADE);
            headers.set(HttpHeaderNames.UPGRADE, HttpHeaderValues.WEBSOCKET);
        }
    }

    private boolean trusted(InetAddress client) {
        for (Cidr block : trustedProxies) {
            if (block.contains(client)) {
                return true;
            }
        }
        return false;
    }

    /** RFC 6455 §4.1: a GET with {@code Upgrade: websocket} and {@code Connection: upgrade}. */
    static boolean isWebSocketUpgrade(HttpRequest request) {
        HttpHeaders headers = request.headers();
        return request.method() == HttpMethod.GET
                && headers.containsValue(HttpHeaderNames.UPGRADE, HttpHeaderValues.WEBSOCKET, true)
                && headers.containsValue(HttpHeaderNames.CONNECTION, HttpHeaderValues.UPGRADE, true);
    }
}
