package dev.ferry.http;

import static java.util.Objects.requireNonNull;

import dev.ferry.config.Limits;
import dev.ferry.observe.AccessLog;
import dev.ferry.observe.ListenerMetrics;
import java.util.function.BooleanSupplier;

/**
 * What every client connection of one HTTP listener shares.
 *
 * @param listener listener name, for logs
 * @param handler decides what to do with each request
 * @param inFlight the process-wide in-flight request limit
 * @param accessLog where completed exchanges are recorded
 * @param limits header size and client timeouts
 * @param via pseudonym for {@code Via}
 * @param draining true once a graceful shutdown began: responses then close their connection
 * @param scheme {@code https} on a listener that terminates TLS, else {@code http}
 * @param metrics where the listener's requests are counted
 */
public record FrontendContext(
        String listener,
        RequestHandler handler,
        InFlightLimit inFlight,
        AccessLog accessLog,
        Limits limits,
        String via,
        BooleanSupplier draining,
        String scheme,
        ListenerMetrics metrics) {

    public FrontendContext {
        requireNonNull(listener, "listener");
        requireNonNull(handler, "handler");
        requireNonNull(inFlight, "inFlight");
        requireNonNull(accessLog, "accessLog");
        requireNonNull(limits, "limits");
        requireNonNull(via, "via");
        requireNonNull(draining, "draining");
        requireNonNull(scheme, "scheme");
        requireNonNull(metrics, "metrics");
    }

    /** A plain-HTTP listener's context. */
    public FrontendContext(String listener, RequestHandler handler, InFlightLimit inFlight, AccessLog accessLog,
                           Limits limits, String via, BooleanSupplier draining, ListenerMetrics metrics) {
        this(listener, handler, inFlight, accessLog, limits, via, draining, "http", metrics);
    }
}
