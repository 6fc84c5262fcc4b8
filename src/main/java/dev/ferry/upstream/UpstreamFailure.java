package dev.ferry.upstream;

import io.netty.channel.ConnectTimeoutException;
import io.netty.handler.codec.http.HttpResponseStatus;
import java.net.ConnectException;

/**
 * The ways an exchange with a server can fail, each with the status the client gets and a short
 * reason. Every upstream failure is mapped here, in one place.
 */
public enum UpstreamFailure {

    CONNECT_REFUSED(HttpResponseStatus.BAD_GATEWAY, "upstream refused the connection"),
    CONNECT_TIMEOUT(HttpResponseStatus.GATEWAY_TIMEOUT, "upstream connect timeout"),
    CONNECT_FAILED(HttpResponseStatus.BAD_GATEWAY, "cannot connect to upstream"),
    TLS_CERTIFICATE(HttpResponseStatus.BAD_GATEWAY, "upstream TLS certificate not trusted"),
    TLS_HANDSHAKE(HttpResponseStatus.BAD_GATEWAY, "upstream TLS handshake failed"),
    RESPONSE_TIMEOUT(HttpResponseStatus.GATEWAY_TIMEOUT, "upstream response timeout"),
    IDLE_TIMEOUT(HttpResponseStatus.GATEWAY_TIMEOUT, "upstream idle timeout"),
    CLOSED(HttpResponseStatus.BAD_GATEWAY, "upstream closed the connection"),
    BAD_RESPONSE(HttpResponseStatus.BAD_GATEWAY, "invalid response from upstream"),
    UNRESOLVED(HttpResponseStatus.BAD_GATEWAY, "cannot resolve upstream host"),
    ERROR_STATUS(HttpResponseStatus.BAD_GATEWAY, "upstream answered with an error"),
    NO_SERVER(HttpResponseStatus.SERVICE_UNAVAILABLE, "no upstream server available"),
    QUEUE_FULL(HttpResponseStatus.SERVICE_UNAVAILABLE, "all upstream servers are busy"),
    QUEUE_TIMEOUT(HttpResponseStatus.SERVICE_UNAVAILABLE, "timed out waiting for an upstream server");

    private final HttpResponseStatus status;
    private final String reason;
    private final String label = name().toLowerCase(java.util.Locale.ROOT);

    UpstreamFailure(HttpResponseStatus status, String reason) {
        this.status = status;
        this.reason = reason;
    }

    public HttpResponseStatus status() {
        return status;
    }

    public String reason() {
        return reason;
    }

    /** The {@code reason} label of {@code ferry_upstream_failures_total}: {@code connect_refused}, ... */
    public String label() {
        return label;
    }

    /** Whether the request never reached the server, so any request may be sent elsewhere. */
    public boolean beforeRequestSent() {
        return this == CONNECT_REFUSED || this == CONNECT_TIMEOUT || this == CONNECT_FAILED || this == UNRESOLVED
                || this == TLS_CERTIFICATE || this == TLS_HANDSHAKE;
    }

    /** The failure of a connection attempt. */
    public static UpstreamFailure ofConnect(Throwable cause) {
        if (cause instanceof ConnectTimeoutException) {
            return CONNECT_TIMEOUT;
        }
        if (cause instanceof ConnectException) {
            return CONNECT_REFUSED;
        }
        if (cause instanceof UpstreamTlsException tls) {
            return tls.certificateRefused() ? TLS_CERTIFICATE : TLS_HANDSHAKE;
        }
        return CONNECT_FAILED;
    }
}
