package dev.ferry.http;

import dev.ferry.observe.AccessRecord;
import java.net.InetSocketAddress;

/**
 * What is recorded when a client exchange completes, the same for every protocol: the listener's
 * metrics and the access log record.
 */
final class AccessLogging {

    private AccessLogging() {
    }

    static void exchange(FrontendContext context, InetSocketAddress client, Exchange exchange) {
        ClientResponse response = exchange.clientResponse();
        context.metrics().requestFinished(exchange.routeName(), exchange.isForwardProxied(), response.status(),
                exchange.cacheStatusValue(), System.nanoTime() - exchange.startNanos(), response.tunnel());
        if (!context.accessLog().enabled()) {
            return;
        }
        context.accessLog().log(new AccessRecord(
                exchange.startMillis(),
                context.listener(),
                text(client),
                exchange.method().name(),
                exchange.originalTarget(),
                exchange.clientVersion().text(),
                response.status(),
                exchange.bytesIn(),
                response.bytesOut(),
                (System.nanoTime() - exchange.startNanos()) / 1000,
                exchange.upstreamAddress(),
                exchange.cacheStatusValue(),
                exchange.routeName()));
    }

    /** A request that never became an exchange (it could not be parsed). */
    static void rejected(FrontendContext context, InetSocketAddress client, int status, long bytesOut) {
        context.metrics().requestRejected(status);
        if (context.accessLog().enabled()) {
            context.accessLog().log(new AccessRecord(System.currentTimeMillis(), context.listener(), text(client),
                    "-", "-", "-", status, 0, bytesOut, 0, null, null, null));
        }
    }

    private static String text(InetSocketAddress client) {
        return client == null ? "-" : client.getAddress().getHostAddress() + ":" + client.getPort();
    }
}
