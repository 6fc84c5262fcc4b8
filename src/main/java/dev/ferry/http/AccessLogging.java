package dev.ferry.http;

import dev.ferry.observe.AccessRecord;
import java.net.InetSocketAddress;

/** Access log records of client exchanges, built once at completion, the same for every protocol. */
final class AccessLogging {

    private AccessLogging() {
    }

    static void exchange(FrontendContext context, InetSocketAddress client, Exchange exchange) {
        if (!context.accessLog().enabled()) {
            return;
        }
        ClientResponse response = exchange.clientResponse();
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
        if (context.accessLog().enabled()) {
            context.accessLog().log(new AccessRecord(System.currentTimeMillis(), context.listener(), text(client),
                    "-", "-", "-", status, 0, bytesOut, 0, null, null, null));
        }
    }

    private static String text(InetSocketAddress client) {
        return client == null ? "-" : client.getAddress().getHostAddress() + ":" + client.getPort();
    }
}
