package dev.ferry.forward;

import static java.util.Objects.requireNonNull;

import dev.ferry.config.Cidr;
import dev.ferry.config.ForwardProxyConfig;
import dev.ferry.http.ErrorResponses;
import dev.ferry.http.Exchange;
import dev.ferry.http.Hop;
import dev.ferry.http.Interceptor;
import dev.ferry.http.RequestHandler;
import dev.ferry.upstream.Tunnel;
import dev.ferry.upstream.CallOptions;
import dev.ferry.upstream.Connector;
import dev.ferry.upstream.Server;
import dev.ferry.upstream.UpstreamFailure;
import dev.ferry.upstream.UpstreamRequest;
import io.netty.channel.Channel;
import io.netty.channel.ChannelFutureListener;
import io.netty.channel.socket.DatagramChannel;
import io.netty.handler.codec.http.FullHttpResponse;
import io.netty.handler.codec.http.HttpHeaderNames;
import io.netty.handler.codec.http.HttpMethod;
import io.netty.handler.codec.http.HttpRequest;
import io.netty.handler.codec.http.HttpResponseStatus;
import io.netty.util.concurrent.Future;
import io.netty.util.concurrent.FutureListener;
import java.net.Inet4Address;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.function.Consumer;
import java.util.function.Supplier;

/**
 * The forward proxy of a listener: absolute-form requests are forwarded, {@code CONNECT} opens a
 * tunnel. In order: client ACL (403), proxy authentication (407), target syntax (400), CONNECT
 * port (403), interceptors (cache, rate limits), name resolution and target policy (403), then
 * the exchange with the target. Interceptors run before resolution so a cache hit costs no DNS.
 */
public final class ForwardProxy implements RequestHandler {

    private static final byte[] ESTABLISHED =
            "HTTP/1.1 200 Connection established\r\n\r\n".getBytes(StandardCharsets.US_ASCII);

    private final ForwardProxyConfig config;
    private final ProxyAuth auth;
    private final HostResolver resolver;
    private final Supplier<SelfAddresses> self;
    private final Connector connector;
    private final CallOptions callOptions;
    private final List<Interceptor> interceptors;
    private volatile TargetPolicy policy;

    /**
     * @param self Ferry's own listening addresses, known once every listener is bound
     * @param dnsChannelType the datagram channel class matching the event loops
     */
    public ForwardProxy(ForwardProxyConfig config, CallOptions callOptions, Supplier<SelfAddresses> self,
                        Class<? extends DatagramChannel> dnsChannelType, List<Interceptor> interceptors) {
        this.config = requireNonNull(config, "config");
        this.callOptions = requireNonNull(callOptions, "callOptions");
        this.connector = callOptions.connector();
        this.self = requireNonNull(self, "self");
        this.auth = new ProxyAuth(config.users());
        this.resolver = new HostResolver(dnsChannelType);
        this.interceptors = List.copyOf(interceptors);
    }

    @Override
    public void handle(Exchange exchange) {
        HttpRequest request = exchange.request();
        if (!clientAllowed(exchange.clientAddress().getAddress())) {
            exchange.respond(HttpResponseStatus.FORBIDDEN, "client not allowed to use this proxy");
            return;
        }
        if (auth.required() && !auth.accepts(request.headers().get(HttpHeaderNames.PROXY_AUTHORIZATION))) {
            FullHttpResponse challenge = ErrorResponses.of(HttpResponseStatus.PROXY_AUTHENTICATION_REQUIRED,
                    "proxy authentication required", exchange.hasBody() && !exchange.requestComplete());
            challenge.headers().set(HttpHeaderNames.PROXY_AUTHENTICATE, ProxyAuth.CHALLENGE);
            exchange.respond(challenge);
            return;
        }
        try {
            if (request.method() == HttpMethod.CONNECT) {
                connect(exchange, Target.parseAuthority(request.uri()));
            } else {
                forward(exchange, Target.parseAbsolute(request.uri()));
            }
        } catch (Target.InvalidTarget e) {
            exchange.respond(HttpResponseStatus.BAD_REQUEST, e.getMessage());
        }
    }

    private boolean clientAllowed(InetAddress client) {
        for (Cidr block : config.allowClients()) {
            if (block.contains(client)) {
                return true;
            }
        }
        return false;
    }

    private void forward(Exchange exchange, Target target) {
        HttpRequest request = exchange.request();
        request.setUri(target.pathAndQuery());
        request.headers().set(HttpHeaderNames.HOST, target.hostHeader());
        Interceptor.chain(interceptors, ex -> {
            Hop.prepareRequest(ex.request(), ex.via());
            resolve(ex, target, address -> UpstreamRequest.sendDirect(ex, Server.unwatched(address), callOptions));
        }).proceed(exchange);
    }

    private void connect(Exchange exchange, Target target) {
        if (!config.connectPorts().contains(target.port())) {
            exchange.respond(HttpResponseStatus.FORBIDDEN, "CONNECT to port " + target.port() + " is not allowed");
            return;
        }
        resolve(exchange, target, address -> connector
                .connectRaw(exchange.eventLoop(), address, config.timeouts().connect())
                .addListener((ChannelFutureListener) future -> {
                    if (exchange.finished()) {
                        future.channel().close();
                    } else if (!future.isSuccess()) {
                        UpstreamFailure failure = UpstreamFailure.ofConnect(future.cause());
                        exchange.response().abort(failure.status(), failure.reason());
                    } else {
                        openTunnel(exchange, future.channel(), address);
                    }
                }));
    }

    private void openTunnel(Exchange exchange, Channel server, InetSocketAddress address) {
        exchange.upstream(address.getAddress().getHostAddress() + ":" + address.getPort());
        Tunnel tunnel = new Tunnel(exchange.channel(), server, config.timeouts().tunnel(), exchange::tunnelClosed);
        server.pipeline().addLast("tunnel", tunnel.serverSide());
        exchange.startTunnel(tunnel.clientSide(), ESTABLISHED, 200);
        tunnel.start();
    }

    /** Resolves the target once, vets every address, and continues with the one to connect to. */
    private void resolve(Exchange exchange, Target target, Consumer<InetSocketAddress> then) {
        if (target.isAddress()) {
            InetAddress address = addressOf(target);
            String refusal = policy().refusal(address, target.port());
            if (refusal != null) {
                exchange.respond(HttpResponseStatus.FORBIDDEN, refusal);
            } else {
                then.accept(new InetSocketAddress(address, target.port()));
            }
            return;
        }
        Future<List<InetAddress>> lookup = resolver.resolveAll(exchange.eventLoop(), target.host());
        lookup.addListener((FutureListener<List<InetAddress>>) done -> {
            if (exchange.finished()) {
                return;
            }
            if (!done.isSuccess() || done.getNow().isEmpty()) {
                exchange.response().abort(UpstreamFailure.UNRESOLVED.status(),
                        "cannot resolve host " + target.host());
                return;
            }
            InetAddress chosen = null;
            for (InetAddress candidate : done.getNow()) {
                String refusal = policy().refusal(candidate, target.port());
                if (refusal != null) {
                    exchange.respond(HttpResponseStatus.FORBIDDEN, refusal);
                    return;
                }
                if (chosen == null || !(chosen instanceof Inet4Address) && candidate instanceof Inet4Address) {
                    chosen = candidate;
                }
            }
            then.accept(new InetSocketAddress(chosen, target.port()));
        });
    }

    private TargetPolicy policy() {
        TargetPolicy current = policy;
        if (current == null) {
            // Built on first use: Ferry's own addresses are known only once every listener is bound.
            current = new TargetPolicy(config.allowLoopbackTargets(), config.denyTargets(), self.get());
            policy = current;
        }
        return current;
    }

    private static InetAddress addressOf(Target target) {
        try {
            return InetAddress.getByAddress(target.address());
        } catch (java.net.UnknownHostException e) {
            throw new IllegalStateException(e);
        }
    }

    /** Releases the DNS resolvers. */
    public void close() {
        resolver.close();
    }
}
