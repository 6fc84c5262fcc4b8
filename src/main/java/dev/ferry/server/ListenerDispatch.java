package dev.ferry.server;

import dev.ferry.http.Exchange;
import dev.ferry.http.RequestHandler;
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
    private final RequestHandler routes;

    /** Either may be null when the listener does not have it. */
    ListenerDispatch(RequestHandler forward, RequestHandler routes) {
        this.forward = forward;
        this.routes = routes;
    }

    @Override
    public void handle(Exchange exchange) {
        HttpRequest request = exchange.request();
        boolean proxyForm = request.method() == HttpMethod.CONNECT
                || (request.uri().charAt(0) != '/' && !request.uri().equals("*"));
        if (proxyForm) {
            if (forward != null) {
                forward.handle(exchange);
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
