package dev.ferry.server;

import dev.ferry.http.Exchange;
import dev.ferry.http.Interceptor;
import dev.ferry.http.RequestHandler;
import java.util.List;
import dev.ferry.route.Router;
import io.netty.handler.codec.http.HttpHeaderNames;
import io.netty.handler.codec.http.HttpMethod;
import io.netty.handler.codec.http.HttpRequest;
import io.netty.handler.codec.http.HttpResponseStatus;

/**
 * Sends each request of an HTTP listener to its forward proxy (absolute-form and CONNECT) or to
 * its routes (origin-form). A listener without a forward proxy never proxies to arbitrary hosts,
 * and a forward-only listener never serves origin-form requests (it would be asked to request
 * itself).
 */
final class ListenerDispatch implements RequestHandler {

    private final RequestHandler forward;
    private final Router routes;
    private final Interceptor.Chain dispatch;

    /**
     * Either handler may be null when the listener does not have it.
     *
     * @param interceptors what applies to every request of the listener first (its rate limit)
     */
    ListenerDispatch(RequestHandler forward, Router routes, List<Interceptor> interceptors) {
        this.forward = forward;
        this.routes = routes;
        this.dispatch = Interceptor.chain(interceptors, this::dispatch);
    }

    /**
     * RFC 9112 §3.2.2: a server accepts absolute-form. For a host one of our routes names, the
     * request becomes origin-form with that Host; for any other host it is refused.
     */
    private boolean toOriginForm(HttpRequest request) {
        String uri = request.uri();
        int schemeEnd = uri.indexOf("://");
        String scheme = schemeEnd > 0 ? uri.substring(0, schemeEnd).toLowerCase(java.util.Locale.ROOT) : "";
        if (!scheme.equals("http") && !scheme.equals("https")) {
            return false;
        }
        int start = schemeEnd + 3;
        int end = start;
        while (end < uri.length() && uri.charAt(end) != '/' && uri.charAt(end) != '?') {
            end++;
        }
        String authority = uri.substring(start, end);
        if (authority.isEmpty() || authority.indexOf('@') >= 0 || !routes.servesHost(authority)) {
            return false;
        }
        String rest = uri.substring(end);
        request.setUri(rest.isEmpty() ? "/" : rest.charAt(0) == '?' ? "/" + rest : rest);
        request.headers().set(HttpHeaderNames.HOST, authority);
        return true;
    }

    @Override
    public void handle(Exchange exchange) {
        dispatch.proceed(exchange);
    }

    private void dispatch(Exchange exchange) {
        HttpRequest request = exchange.request();
        boolean proxyForm = request.method() == HttpMethod.CONNECT
                || (request.uri().charAt(0) != '/' && !request.uri().equals("*"));
        if (proxyForm) {
            if (forward != null) {
                exchange.forwardProxied();
                forward.handle(exchange);
            } else if (routes != null && toOriginForm(request)) {
                routes.handle(exchange);
            } else {
                exchange.respond(HttpResponseStatus.BAD_REQUEST, "this listener is not a forward proxy");
            }
        } else if (routes != null) {
            routes.handle(exchange);
        } else {
            exchange.respond(HttpResponseStatus.BAD_REQUEST,
                    "this listener is a forward proxy: requests must use absolute-form (http://host/path)");
        }
    }
}
