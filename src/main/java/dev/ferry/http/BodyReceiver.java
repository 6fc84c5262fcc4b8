package dev.ferry.http;

import io.netty.handler.codec.http.HttpContent;

/** Takes the request body of an {@link Exchange} as it streams in. */
public interface BodyReceiver {

    /** A part of the request body; the receiver takes ownership. A {@code LastHttpContent} ends the body. */
    void bodyPart(HttpContent part);

    /** A batch of parts has been delivered: a good moment to flush them onwards. */
    void flushBody();
}
