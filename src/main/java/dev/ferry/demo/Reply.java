package dev.ferry.demo;

import io.netty.channel.ChannelFuture;
import io.netty.channel.ChannelHandlerContext;
import io.netty.handler.codec.http.HttpRequest;

/** What the origin sends back for one request. */
interface Reply {

    /**
     * Writes the whole reply.
     *
     * @param keepAlive whether the connection serves another request afterwards; the reply says so in
     *                  its {@code Connection} header where HTTP expects it
     * @return completes once the last byte has been written (or writing failed)
     */
    ChannelFuture write(ChannelHandlerContext ctx, HttpRequest request, boolean keepAlive);

    /** False when the connection must close after this reply whatever the client asked. */
    default boolean keepsConnection() {
        return true;
    }

    /** Frees what the reply holds when it will never be written. */
    default void discard() {
    }
}
