package dev.ferry.demo;

import io.netty.channel.ChannelInitializer;
import io.netty.channel.ChannelPipeline;
import io.netty.channel.group.ChannelGroup;
import io.netty.channel.socket.SocketChannel;
import io.netty.handler.codec.http.HttpDecoderConfig;
import io.netty.handler.codec.http.HttpServerCodec;
import io.netty.handler.codec.http.HttpServerExpectContinueHandler;
import io.netty.handler.flow.FlowControlHandler;
import io.netty.handler.stream.ChunkedWriteHandler;

/**
 * Builds an origin connection's pipeline, one handler per concern:
 *
 * <pre>
 * traffic → [tls] → http → continue → [idle] → chunked → flow → origin
 * </pre>
 *
 * <p>A WebSocket upgrade later replaces everything after {@code http} (see {@link WebSocketUpgrade}).
 */
final class OriginInitializer extends ChannelInitializer<SocketChannel> {

    static final String TRAFFIC = "traffic";
    static final String TLS = "tls";
    static final String HTTP_CODEC = "http";
    static final String EXPECT_CONTINUE = "continue";
    static final String IDLE_CLOSE = "idle";
    static final String CHUNKED_WRITER = "chunked";
    static final String FLOW_CONTROL = "flow";
    static final String ORIGIN = "origin";

    /** Roomy limits: the origin should accept whatever a proxy under test lets through. */
    private static final HttpDecoderConfig DECODER = new HttpDecoderConfig()
            .setMaxInitialLineLength(16 * 1024)
            .setMaxHeaderSize(64 * 1024)
            .setMaxChunkSize(64 * 1024);

    private final DemoOrigin.Options options;
    private final ChannelGroup channels;
    private final OriginStats stats;
    private final Endpoints endpoints;
    private final TrafficCounter traffic;

    OriginInitializer(DemoOrigin.Options options, ChannelGroup channels, OriginStats stats, Endpoints endpoints) {
        this.options = options;
        this.channels = channels;
        this.stats = stats;
        this.endpoints = endpoints;
        this.traffic = new TrafficCounter(stats);
    }

    @Override
    protected void initChannel(SocketChannel ch) {
        channels.add(ch);
        ChannelPipeline p = ch.pipeline();
        p.addLast(TRAFFIC, traffic);
        addTls(ch);
        p.addLast(HTTP_CODEC, new HttpServerCodec(DECODER));
        p.addLast(EXPECT_CONTINUE, new HttpServerExpectContinueHandler());
        addIdleClose(p);
        p.addLast(CHUNKED_WRITER, new ChunkedWriteHandler());
        p.addLast(FLOW_CONTROL, new FlowControlHandler());
        p.addLast(ORIGIN, new OriginHandler(stats, endpoints));
    }

    private void addTls(SocketChannel ch) {
        if (options.tls() != null) {
            ch.pipeline().addLast(TLS, options.tls().newHandler(ch.alloc()));
        }
    }

    private void addIdleClose(ChannelPipeline p) {
        if (options.keepAliveIdleClose() != null) {
            p.addLast(IDLE_CLOSE, new KeepAliveIdleCloser(options.keepAliveIdleClose()));
        }
    }
}
