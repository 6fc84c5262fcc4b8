package dev.ferry.upstream;

import dev.ferry.config.UpstreamConfig.ProxyProtocol;
import io.netty.handler.codec.haproxy.HAProxyCommand;
import io.netty.handler.codec.haproxy.HAProxyMessage;
import io.netty.handler.codec.haproxy.HAProxyProtocolVersion;
import io.netty.handler.codec.haproxy.HAProxyProxiedProtocol;
import java.net.Inet4Address;
import java.net.InetSocketAddress;

/** The PROXY header Ferry sends a server to tell it who the client is. */
public final class ProxyHeaders {

    private ProxyHeaders() {
    }

    /**
     * @param client the client (as Ferry knows it)
     * @param local the address the client connected to
     */
    public static HAProxyMessage of(ProxyProtocol version, InetSocketAddress client, InetSocketAddress local) {
        boolean v4 = client.getAddress() instanceof Inet4Address && local.getAddress() instanceof Inet4Address;
        String source = client.getAddress().getHostAddress();
        String destination = local.getAddress().getHostAddress();
        if (!v4) {
            source = v6(client);
            destination = v6(local);
        }
        return new HAProxyMessage(
                version == ProxyProtocol.V1 ? HAProxyProtocolVersion.V1 : HAProxyProtocolVersion.V2,
                HAProxyCommand.PROXY,
                v4 ? HAProxyProxiedProtocol.TCP4 : HAProxyProxiedProtocol.TCP6,
                source, destination, client.getPort(), local.getPort());
    }

    /** A mixed pair is sent as IPv6, IPv4 addresses in their mapped form. */
    private static String v6(InetSocketAddress address) {
        return address.getAddress() instanceof Inet4Address ? "::ffff:" + address.getAddress().getHostAddress()
                : address.getAddress().getHostAddress();
    }
}
