package dev.ferry.server;

import dev.ferry.http.Exchange;
import dev.ferry.http.RequestHandler;

/**
 * A listener's request handler as of the latest config: a reload swaps what it delegates to, so
 * the next request on every open connection follows the new routes while requests already
 * handled finish with the handler they started with.
 */
final class LiveHandler implements RequestHandler {

    private volatile RequestHandler current;

    LiveHandler(RequestHandler first) {
        this.current = first;
    }

    void swap(RequestHandler next) {
        current = next;
    }

    @Override
    public void handle(Exchange exchange) {
        current.handle(exchange);
    }
}
