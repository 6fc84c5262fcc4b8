package dev.ferry.health;

import dev.ferry.config.HealthConfig.Check;
import dev.ferry.tls.ClientTls;
import io.netty.handler.ssl.SslHandler;
import io.netty.handler.ssl.SslHandshakeCompletionEvent;
import io.netty.bootstrap.Bootstrap;
import io.netty.channel.Channel;
import io.netty.channel.ChannelFutureListener;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelInitializer;
import io.netty.channel.ChannelOption;
import io.netty.channel.EventLoop;
import io.netty.channel.SimpleChannelInboundHandler;
import io.netty.channel.socket.SocketChannel;
import io.netty.handler.codec.http.DefaultFullHttpRequest;
import io.netty.handler.codec.http.FullHttpRequest;
import io.netty.handler.codec.http.HttpClientCodec;
import io.netty.handler.codec.http.HttpHeaderNames;
import io.netty.handler.codec.http.HttpHeaderValues;
import io.netty.handler.codec.http.HttpMethod;
import io.netty.handler.codec.http.HttpObject;
import io.netty.handler.codec.http.HttpResponse;
import io.netty.handler.codec.http.HttpVersion;
import java.net.InetSocketAddress;
import java.util.concurrent.TimeUnit;

/**
 * One active check of one server: a TCP connect, or an HTTP GET whose status must fall in the
 * expected range. For a TLS server both go over TLS, so a check fails when the handshake or the
 * certificate does. Reports exactly once, within the check's timeout.
 */
final class Probe {

    /** Receives the outcome: null for success, else a short reason. */
    interface Result {
        void done(String failure);
    }

    private final Check check;
    private final Class<? extends SocketChannel> channelType;

    Probe(Check check, Class<? extends SocketChannel> channelType) {
        this.check = check;
        this.channelType = channelType;
    }

    void run(EventLoop loop, InetSocketAddress address, Result result) {
        run(loop, address, null, result);
    }

    /** @param tls the server's TLS, or null */
    void run(EventLoop loop, InetSocketAddress address, ClientTls tls, Result result) {
        Once once = new Once(result);
        long timeoutMillis = check.timeout().toMillis();
        Channel channel = new Bootstrap()
                .group(loop)
                .channel(channelType)
                .option(ChannelOption.CONNECT_TIMEOUT_MILLIS, (int) Math.max(1, timeoutMillis))
                .handler(new ChannelInitializer<SocketChannel>() {
                    @Override
                    protected void initChannel(SocketChannel ch) {
                        if (tls != null) {
                            SslHandler handler = tls.newHandler(ch.alloc(), address.getHostString(), address.getPort(),
                                    Math.max(1, timeoutMillis));
                            ch.pipeline().addLast(ClientTls.TLS, handler);
                            if (check.type() == Check.Type.TCP) {
                                handler.handshakeFuture().addListener(handshake -> {
                                    once.done(handshake.isSuccess() ? null : "TLS: " + describe(handshake.cause()));
                                    ch.close();
                                });
                            }
                        }
                        if (check.type() == Check.Type.HTTP) {
                            ch.pipeline().addLast(new HttpClientCodec(), new StatusHandler(address, once));
                        }
                    }
                })
                .connect(address)
                .addListener((ChannelFutureListener) connected -> {
                    if (!connected.isSuccess()) {
                        once.done(describe(connected.cause()));
                    } else if (check.type() == Check.Type.TCP && tls == null) {
                        once.done(null);
                        connected.channel().close();
                    }
                })
                .channel();
        loop.schedule(() -> {
            once.done("timed out after " + timeoutMillis + "ms");
            channel.close();
        }, timeoutMillis, TimeUnit.MILLISECONDS);
    }

    private static String describe(Throwable cause) {
        if (cause instanceof io.netty.channel.ConnectTimeoutException) {
            return "connect timeout";
        }
        if (cause instanceof java.net.ConnectException) {
            return "connection refused";
        }
        String message = cause.getMessage();
        return message == null ? cause.getClass().getSimpleName() : message;
    }

    /** Sends the GET once connected and judges the status line. */
    private final class StatusHandler extends SimpleChannelInboundHandler<HttpObject> {
        private final InetSocketAddress address;
        private final Once once;

        StatusHandler(InetSocketAddress address, Once once) {
            this.address = address;
            this.once = once;
        }

        @Override
        public void channelActive(ChannelHandlerContext ctx) {
            FullHttpRequest request = new DefaultFullHttpRequest(HttpVersion.HTTP_1_1, HttpMethod.GET, check.path());
            String host = check.host().orElse(address.getAddress().getHostAddress() + ":" + address.getPort());
            request.headers()
                    .set(HttpHeaderNames.HOST, host)
                    .set(HttpHeaderNames.USER_AGENT, "ferry-health-check")
                    .set(HttpHeaderNames.CONNECTION, HttpHeaderValues.CLOSE);
            ctx.writeAndFlush(request);
        }

        @Override
        protected void channelRead0(ChannelHandlerContext ctx, HttpObject msg) {
            if (msg instanceof HttpResponse response) {
                int status = response.status().code();
                if (response.decoderResult().isFailure()) {
                    once.done("invalid response");
                } else if (status >= check.expectMin() && status <= check.expectMax()) {
                    once.done(null);
                } else {
                    once.done("status " + status);
                }
                ctx.close();
            }
        }

        @Override
        public void userEventTriggered(ChannelHandlerContext ctx, Object event) {
            if (event instanceof SslHandshakeCompletionEvent completion && !completion.isSuccess()) {
                once.done("TLS: " + describe(completion.cause()));
                ctx.close();
            }
        }

        @Override
        public void channelInactive(ChannelHandlerContext ctx) {
            once.done("connection closed before a response");
        }

        @Override
        public void exceptionCaught(ChannelHandlerContext ctx, Throwable cause) {
            once.done(describe(cause));
            ctx.close();
        }
    }

    /** Passes on the first outcome only (the timer, the handler and the connect may all report). */
    private static final class Once {
        private final Result result;
        private boolean done;

        Once(Result result) {
            this.result = result;
        }

        void done(String failure) {
            if (!done) {
                done = true;
                result.done(failure);
            }
        }
    }
}
