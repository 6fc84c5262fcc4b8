package dev.ferry.http;

import io.netty.channel.Channel;
import io.netty.channel.ChannelHandler;
import io.netty.handler.codec.http.HttpObject;
import io.netty.handler.codec.http.HttpResponse;
import java.net.InetSocketAddress;

/**
 * What an {@link Exchange} needs from the connection it runs on: the client connection's
 * {@link HttpFrontend}, an HTTP/2 stream's {@link StreamFrontend}, or a {@link DetachedConnection} for work no client waits for (a background
 * revalidation).
 */
interface Connection {

    FrontendContext context();

    /** The client's channel: its event loop runs the exchange. */
    Channel channel();

    InetSocketAddress clientAddress();

    boolean draining();

    /**
     * True for an HTTP/2 stream: the connection carries other exchanges too, so this one never
     * decides about keep-alive, and its body is framed by the stream (no connection-specific fields).
     */
    boolean multiplexed();

    void write(HttpObject message);

    void flush();

    void writeContinue();

    void blockReads(int reason);

    void unblockReads(int reason);

    void closeAfterWrites();

    void writeUpgrade(HttpResponse switching);

    void switchToTunnel(ChannelHandler relay, byte[] preface);

    void exchangeFinished(Exchange exchange);
}
