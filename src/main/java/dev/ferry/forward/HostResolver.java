package dev.ferry.forward;

import io.netty.channel.EventLoop;
import io.netty.channel.socket.DatagramChannel;
import io.netty.resolver.ResolvedAddressTypes;
import io.netty.resolver.dns.DnsNameResolver;
import io.netty.resolver.dns.DnsNameResolverBuilder;
import io.netty.util.concurrent.Future;
import java.net.InetAddress;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;

/**
 * Resolves target host names without blocking an event loop: Netty's DNS resolver (which reads
 * {@code /etc/hosts} and {@code /etc/resolv.conf}), one per event loop, so the answer arrives on
 * the loop of the request that asked. Names under {@code localhost} are loopback without asking
 * anyone (RFC 6761 §6.3).
 */
final class HostResolver implements AutoCloseable {

    private static final List<InetAddress> LOOPBACK = List.of(
            InetAddress.getLoopbackAddress(),
            loopback6());

    private final Class<? extends DatagramChannel> channelType;
    private final Map<EventLoop, DnsNameResolver> resolvers = new ConcurrentHashMap<>();

    HostResolver(Class<? extends DatagramChannel> channelType) {
        this.channelType = channelType;
    }

    /** Every address of {@code host} (a normalised name, see {@link Target}). */
    Future<List<InetAddress>> resolveAll(EventLoop loop, String host) {
        if (host.equals("localhost") || host.endsWith(".localhost")) {
            return loop.newSucceededFuture(LOOPBACK);
        }
        return resolvers.computeIfAbsent(loop, this::newResolver).resolveAll(host);
    }

    private DnsNameResolver newResolver(EventLoop loop) {
        return new DnsNameResolverBuilder(loop)
                .datagramChannelType(channelType)
                .resolvedAddressTypes(ResolvedAddressTypes.IPV4_PREFERRED)
                .build();
    }

    @Override
    public void close() {
        resolvers.values().forEach(DnsNameResolver::close);
        resolvers.clear();
    }

    private static InetAddress loopback6() {
        try {
            return InetAddress.getByAddress("localhost", new byte[] {0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 1});
        } catch (java.net.UnknownHostException e) {
            throw new IllegalStateException(e);
        }
    }
}
