package dev.ferry.upstream;

import io.netty.bootstrap.Bootstrap;
import io.netty.channel.Channel;
import dev.ferry.tls.ClientTls;
import io.netty.channel.ChannelFuture;
import io.netty.channel.ChannelFutureListener;
import io.netty.channel.ChannelPromise;
import io.netty.handler.ssl.SslHandler;
import io.netty.channel.ChannelInitializer;
import io.netty.channel.ChannelOption;
import io.netty.channel.RecvByteBufAllocator;
import io.netty.channel.EventLoop;
import io.netty.handler.codec.http.HttpDecoderConfig;
import io.netty.channel.socket.SocketChannel;
import java.net.InetSocketAddress;
import java.time.Duration;

/**
 * Opens connections to servers on a given event loop (the client's), with TLS when the server
 * needs it, the HTTP client codec and an {@link UpstreamConnection} at the end of the pipeline.
 */
public final class Connector {

    public static final String CODEC = "http-client-codec";
    public static final String CONNECTION = "upstream-connection";

    private static final HttpDecoderConfig DECODER = new HttpDecoderConfig()
            .setMaxInitialLineLength(8 * 1024)
            .setMaxHeaderSize(64 * 1024)
            .setMaxChunkSize(64 * 1024);

    private final Class<? extends SocketChannel> channelType;
    private final RecvByteBufAllocator receiveBuffers;

    /**
     * @param channelType the socket class matching the event loops
     * @param receiveBuffers how reads are sized on that transport
     */
    public Connector(Class<? extends SocketChannel> channelType, RecvByteBufAllocator receiveBuffers) {
        this.channelType = channelType;
        this.receiveBuffers = receiveBuffers;
    }

    /** Connects to {@code address} on {@code loop}; the future fails on refusal or timeout. */
    public ChannelFuture connect(EventLoop loop, InetSocketAddress address, Duration timeout) {
        return connect(loop, address, timeout, null);
    }

    /**
     * As {@link #connect(EventLoop, InetSocketAddress, Duration)}, over TLS when {@code tls} is not
     * null: the future then completes once the handshake is done (the server's certificate and
     * name verified), and fails with an {@link UpstreamTlsException} when it is not. The
     * handshake gets {@code timeout} too. SNI and verification use the host the address was
     * created with.
     */
    public ChannelFuture connect(EventLoop loop, InetSocketAddress address, Duration timeout, ClientTls tls) {
        long timeoutMillis = Math.min(Integer.MAX_VALUE, timeout.toMillis());
        ChannelFuture connected = new Bootstrap()
                .group(loop)
                .channel(channelType)
                .option(ChannelOption.CONNECT_TIMEOUT_MILLIS, (int) timeoutMillis)
                .option(ChannelOption.TCP_NODELAY, true)
                .option(ChannelOption.RCVBUF_ALLOCATOR, receiveBuffers)
                .handler(new ChannelInitializer<Channel>() {
                    @Override
                    protected void initChannel(Channel ch) {
                        if (tls != null) {
                            ch.pipeline().addLast(ClientTls.TLS, tls.newHandler(ch.alloc(), address.getHostString(),
                                    address.getPort(), timeoutMillis));
                        }
                        ch.pipeline()
                                .addLast(CODEC, new UpstreamCodec(DECODER))
                                .addLast(CONNECTION, new UpstreamConnection());
                    }
                })
                .connect(address);
        if (tls == null) {
            return connected;
        }
        Channel channel = connected.channel();
        ChannelPromise ready = channel.newPromise();
        connected.addListener((ChannelFutureListener) f -> {
            if (!f.isSuccess()) {
                ready.tryFailure(f.cause());
                return;
            }
            channel.pipeline().get(SslHandler.class).handshakeFuture().addListener(handshake -> {
                if (handshake.isSuccess()) {
                    ready.trySuccess();
                } else {
                    ready.tryFailure(new UpstreamTlsException(handshake.cause()));
                    channel.close();
                }
            });
        });
        return ready;
    }

    /** A raw connection for tunnels: no codec, reads off until the tunnel starts. */
    public ChannelFuture connectRaw(EventLoop loop, InetSocketAddress address, Duration timeout) {
        return new Bootstrap()
                .group(loop)
                .channel(channelType)
                .option(ChannelOption.CONNECT_TIMEOUT_MILLIS, (int) Math.min(Integer.MAX_VALUE, timeout.toMillis()))
                .option(ChannelOption.TCP_NODELAY, true)
                .option(ChannelOption.RCVBUF_ALLOCATOR, receiveBuffers)
                .option(ChannelOption.AUTO_READ, false)
                .handler(new ChannelInitializer<Channel>() {
                    @Override
                    protected void initChannel(Channel ch) {
                    }
                })
                .connect(address);
    }
}
