package dev.ferry.http;

import static java.util.Objects.requireNonNull;

import io.netty.handler.codec.http.HttpResponseStatus;

/**
 * Emitted by {@link StrictRequestDecoder} instead of a request when the bytes are not a valid
 * HTTP/1.1 request. After it the decoder discards everything: the connection must be closed,
 * because where the next request would start is in doubt.
 *
 * @param status what to answer (400, 414, 431, 501, 505)
 * @param reason one line for the client and the log
 * @param inBody true when the head was already delivered and the body was malformed
 */
public record DecodeFailure(HttpResponseStatus status, String reason, boolean inBody) {

    public DecodeFailure {
        requireNonNull(status, "status");
        requireNonNull(reason, "reason");
    }
}
