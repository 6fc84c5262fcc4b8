package dev.ferry.http;

/**
 * Decides what happens to a request whose head has arrived: answer it, or send it on (forward
 * proxy, route to an upstream, open a tunnel). Runs on the client's event loop and must not block.
 */
@FunctionalInterface
public interface RequestHandler {

    void handle(Exchange exchange);
}
