package dev.ferry.tcp;

import dev.ferry.http.ClientAddress;
import dev.ferry.observe.AccessLog;
import dev.ferry.observe.AccessRecord;
import dev.ferry.upstream.Connector;
import dev.ferry.upstream.ProxyHeaders;
import dev.ferry.upstream.Server;
import dev.ferry.upstream.ServerSelection;
import dev.ferry.upstream.Tunnel;
import dev.ferry.upstream.Upstream;
import dev.ferry.upstream.UpstreamFailure;
import io.netty.buffer.ByteBuf;
import io.netty.channel.Channel;
import io.netty.channel.ChannelFutureListener;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelInboundHandlerAdapter;
import io.netty.handler.codec.haproxy.HAProxyMessageEncoder;
import io.netty.util.ReferenceCountUtil;
import java.net.InetSocketAddress;
import java.util.ArrayDeque;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * A TCP listener's connection: picks a server of the upstream (healthy, not full; by client address
 * for {@code consistent_hash}), connects within the connect timeout and, when that fails, tries
 * the next server; then relays bytes both ways as a {@link Tunnel} until either side closes or the
 * upstream's {@code tunnel} timeout passes idle. Bytes the client sends before the server is
 * connected are held and sent first.
 */
public final class TcpProxy extends ChannelInboundHandlerAdapter {

    private static final Logger log = LoggerFactory.getLogger(TcpProxy.class);

    private final String listener;
    private final Upstream upstream;
    private final Connector connector;
    private final AccessLog accessLog;
    private final boolean waitForProxyHeader;
    private final ArrayDeque<ByteBuf> early = new ArrayDeque<>();
    private final long startMillis = System.currentTimeMillis();
    private final long startNanos = System.nanoTime();
    private ChannelHandlerContext ctx;
    private ServerSelection selection;
    private boolean started;
    private boolean closed;

    /**
     * @param waitForProxyHeader the listener accepts PROXY headers: pick the server only once the client is known
     */
    public TcpProxy(String listener, Upstream upstream, Connector connector, AccessLog accessLog,
                    boolean waitForProxyHeader) {
        this.listener = listener;
        this.upstream = upstream;
        this.connector = connector;
        this.accessLog = accessLog;
        this.waitForProxyHeader = waitForProxyHeader;
    }

    @Override
    public void handlerAdded(ChannelHandlerContext ctx) {
        this.ctx = ctx;
    }

    @Override
    public void channelActive(ChannelHandlerContext ctx) {
        if (!waitForProxyHeader) {
            start();
        }
        ctx.fireChannelActive();
    }

    @Override
    public void userEventTriggered(ChannelHandlerContext ctx, Object event) {
        if (event == ProxyProtocolGate.DECIDED) {
            start();
        } else {
            ctx.fireUserEventTriggered(event);
        }
    }

    private void start() {
        if (started) {
            return;
        }
        started = true;
        ctx.channel().config().setAutoRead(false);
        selection = upstream.select(upstream.connectionHashKey(ClientAddress.of(ctx.channel())));
        connectNext();
    }

    @Override
    public void channelRead(ChannelHandlerContext ctx, Object msg) {
        if (msg instanceof ByteBuf bytes && !closed) {
            early.add(bytes);
        } else {
            ReferenceCountUtil.release(msg);
        }
    }

    @Override
    public void channelInactive(ChannelHandlerContext ctx) {
        closed = true;
        releaseEarly();
    }

    @Override
    public void exceptionCaught(ChannelHandlerContext ctx, Throwable cause) {
        ctx.close();
    }

    private void connectNext() {
        Server server = selection.next();
        while (server != null && !server.tryAcquire()) {
            selection.tried(server);
            server = selection.next();
        }
        if (server == null) {
            log.warn("listener {}: no server of upstream {} could take a connection from {}", listener,
                    upstream.name(), ClientAddress.of(ctx.channel()));
            ctx.close();
            return;
        }
        Server chosen = server;
        connector.connectRaw(ctx.channel().eventLoop(), chosen.address(), upstream.options().timeouts().connect())
                .addListener((ChannelFutureListener) future -> {
                    if (closed) {
                        future.channel().close();
                        chosen.release();
                    } else if (!future.isSuccess()) {
                        chosen.release();
                        UpstreamFailure failure = UpstreamFailure.ofConnect(future.cause());
                        chosen.health().requestFailed(failure.reason());
                        chosen.metrics().failed(failure.label());
                        selection.tried(chosen);
                        connectNext();
                    } else {
                        chosen.health().requestSucceeded();
                        relay(chosen, future.channel());
                    }
                });
    }

    private void relay(Server server, Channel serverChannel) {
        Channel client = ctx.channel();
        upstream.proxyProtocol().ifPresent(version -> {
            serverChannel.pipeline().addFirst("proxy-protocol-encoder", HAProxyMessageEncoder.INSTANCE);
            serverChannel.write(ProxyHeaders.of(version, ClientAddress.of(client),
                    (InetSocketAddress) client.localAddress()), serverChannel.voidPromise());
        });
        Tunnel tunnel = new Tunnel(client, serverChannel, upstream.options().timeouts().tunnel(),
                (fromClient, fromServer) -> {
                    server.release();
                    logSession(server, fromClient, fromServer);
                });
        serverChannel.pipeline().addLast("tunnel", tunnel.serverSide());
        ByteBuf bytes;
        while ((bytes = early.poll()) != null) {
            serverChannel.write(bytes, serverChannel.voidPromise());
        }
        serverChannel.flush();
        ctx.pipeline().replace(this, "tunnel", tunnel.clientSide());
        tunnel.start();
    }

    private void logSession(Server server, long fromClient, long fromServer) {
        if (accessLog.enabled()) {
            InetSocketAddress client = ClientAddress.of(ctx.channel());
            accessLog.log(new AccessRecord(startMillis, listener,
                    client.getAddress().getHostAddress() + ":" + client.getPort(), "-", "-", "TCP", 0,
                    fromClient, fromServer, (System.nanoTime() - startNanos) / 1000, server.id(), null, null));
        }
    }

    private void releaseEarly() {
        ByteBuf bytes;
        while ((bytes = early.poll()) != null) {
            bytes.release();
        }
    }
}
