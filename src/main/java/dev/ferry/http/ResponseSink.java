package dev.ferry.http;

import io.netty.handler.codec.http.HttpContent;
import io.netty.handler.codec.http.HttpResponse;
import io.netty.handler.codec.http.HttpResponseStatus;

/**
 * Where a response goes: towards the client, possibly through decorators (a cache tee, say).
 *
 * <p>Call order: {@link #head} once, then {@link #body} until a {@code LastHttpContent}; or
 * {@link #abort} at any point. {@link #flush} may be called between parts. Everything is called on
 * the client's event loop.
 */
public interface ResponseSink {

    /**
     * An interim (1xx) response before the final one, such as 103 Early Hints. Not stored, not
     * merged into the final response; HTTP/1.0 clients never get one (RFC 9110 §15.2).
     */
    default void interim(HttpResponse informational) {
    }

    /** The final response head (never a 1xx). */
    void head(HttpResponse head);

    /** A part of the body; the sink takes ownership. A {@code LastHttpContent} completes the response. */
    void body(HttpContent part);

    /** Pushes what was written so far to the client. */
    void flush();

    /**
     * The response cannot be completed. Before the head was sent the client gets {@code status}
     * with {@code reason}; after, the client connection is closed, since nothing else can tell it
     * the body is incomplete.
     */
    void abort(HttpResponseStatus status, String reason);

    /** Whether {@link #head} was called. */
    boolean headSent();
}
