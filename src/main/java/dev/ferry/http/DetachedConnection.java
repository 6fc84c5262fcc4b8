package dev.ferry.http;

import io.netty.channel.Channel;
import io.netty.channel.ChannelHandler;
import io.netty.handler.codec.http.HttpObject;
import io.netty.handler.codec.http.HttpResponse;
import io.netty.util.ReferenceCountUtil;
import java.net.InetSocketAddress;

/**
 * A connection nobody reads from: an exchange on it (a background revalidation) runs on the
 * original client's event loop and reaches the upstream like any other, but whatever it would
 * write to the client is dropped, and it never holds up or closes the client's connection.
 */
final class DetachedConnection implements Connection {

    private final Connection original;

    DetachedConnection(Connection original) {
        this.original = original;
    }

    @Override
    public FrontendContext context() {
        return original.context();
    }

    @Override
    public Channel channel() {
        return original.channel();
    }

    @Override
    public InetSocketAddress clientAddress() {
        return original.clientAddress();
    }

    @Override
    public boolean draining() {
        return false;
    }

    @Override
    public boolean multiplexed() {
        return original.multiplexed();
    }

    @Override
    public void write(HttpObject message) {
        ReferenceCountUtil.release(message);
    }

    @Override
    public void flush() {
    }

    @Override
    public void writeContinue() {
    }

    @Override
    public void blockReads(int reason) {
    }

    @Override
    public void unblockReads(int reason) {
    }

    @Override
    public void closeAfterWrites() {
    }

    @Override
    public void writeUpgrade(HttpResponse switching) {
    }

    @Override
    public void switchToTunnel(ChannelHandler relay, byte[] preface) {
        throw new UnsupportedOperationException("a detached exchange cannot become a tunnel");
    }

    @Override
    public void exchangeFinished(Exchange exchange) {
    }
}
