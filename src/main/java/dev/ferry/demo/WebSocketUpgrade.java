package dev.ferry.demo;

import io.netty.buffer.Unpooled;
import io.netty.channel.Channel;
import io.netty.channel.ChannelFutureListener;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelPipeline;
import io.netty.channel.ChannelPromise;
import io.netty.handler.codec.http.DefaultFullHttpRequest;
import io.netty.handler.codec.http.DefaultHttpHeaders;
import io.netty.handler.codec.http.EmptyHttpHeaders;
import io.netty.handler.codec.http.FullHttpRequest;
import io.netty.handler.codec.http.HttpHeaderNames;
import io.netty.handler.codec.http.HttpHeaderValues;
import io.netty.handler.codec.http.HttpMethod;
import io.netty.handler.codec.http.HttpRequest;
import io.netty.handler.codec.http.QueryStringDecoder;
import io.netty.handler.codec.http.websocketx.WebSocketDecoderConfig;
import io.netty.handler.codec.http.websocketx.WebSocketFrameAggregator;
import io.netty.handler.codec.http.websocketx.WebSocketServerHandshaker;
import io.netty.handler.codec.http.websocketx.WebSocketServerHandshakerFactory;

/**
 * Turns an HTTP connection into a WebSocket echo connection. The handshaker is driven directly rather
 * than through {@code WebSocketServerProtocolHandler}, because the request has already been read by
 * {@link OriginHandler} (which streams bodies and so has no aggregator for the protocol handler to use).
 */
final class WebSocketUpgrade {

    static final String PATH = "/ws";
    static final int MAX_MESSAGE = 16 * 1024 * 1024;

    static final String WS_AGGREGATOR = "ws-aggregator";
    static final String WS_ECHO = "ws-echo";

    private static final WebSocketDecoderConfig DECODER = WebSocketDecoderConfig.newBuilder()
            .maxFramePayloadLength(MAX_MESSAGE)
            .build();

    private WebSocketUpgrade() {
    }

    /** A {@code GET /ws} asking to upgrade to WebSocket (RFC 6455 §4.2.1). */
    static boolean requested(HttpRequest request) {
        return HttpMethod.GET.equals(request.method())
                && new QueryStringDecoder(request.uri()).path().equals(PATH)
                && request.headers().containsValue(HttpHeaderNames.UPGRADE, HttpHeaderValues.WEBSOCKET, true)
                && request.headers().containsValue(HttpHeaderNames.CONNECTION, HttpHeaderValues.UPGRADE, true)
                && request.headers().contains(HttpHeaderNames.SEC_WEBSOCKET_KEY);
    }

    /**
     * Answers the handshake, swaps the HTTP handlers for the echo handlers and resumes reading. Called
     * with reading stopped and the request fully read.
     */
    static void upgrade(ChannelHandlerContext ctx, HttpRequest request, String origin) {
        Channel channel = ctx.channel();
        String scheme = channel.pipeline().get(OriginInitializer.TLS) == null ? "ws://" : "wss://";
        String url = scheme + request.headers().get(HttpHeaderNames.HOST, "localhost") + request.uri();
        WebSocketServerHandshaker handshaker = new WebSocketServerHandshakerFactory(url, null, DECODER)
                .newHandshaker(request);
        if (handshaker == null) {
            WebSocketServerHandshakerFactory.sendUnsupportedVersionResponse(channel)
                    .addListener(ChannelFutureListener.CLOSE);
            return;
        }
        ChannelPipeline p = channel.pipeline();
        for (String name : new String[] {OriginInitializer.EXPECT_CONTINUE, OriginInitializer.IDLE_CLOSE,
                OriginInitializer.CHUNKED_WRITER, OriginInitializer.FLOW_CONTROL, OriginInitializer.ORIGIN}) {
            if (p.get(name) != null) {
                p.remove(name);
            }
        }
        p.addLast(WS_AGGREGATOR, new WebSocketFrameAggregator(MAX_MESSAGE));
        p.addLast(WS_ECHO, new WebSocketEchoHandler());

        FullHttpRequest handshake = new DefaultFullHttpRequest(request.protocolVersion(), request.method(),
                request.uri(), Unpooled.EMPTY_BUFFER, request.headers(), EmptyHttpHeaders.INSTANCE);
        DefaultHttpHeaders extra = new DefaultHttpHeaders();
        extra.set(DemoOrigin.ORIGIN_HEADER, origin);
        ChannelPromise upgraded = channel.newPromise();
        upgraded.addListener(done -> {
            if (done.isSuccess()) {
                channel.config().setAutoRead(true);
            } else {
                channel.close();
            }
        });
        try {
            handshaker.handshake(channel, handshake, extra, upgraded);
        } catch (RuntimeException e) {
            // the HTTP handlers are gone, so there is no way left to answer 400
            upgraded.tryFailure(e);
        }
    }
}
