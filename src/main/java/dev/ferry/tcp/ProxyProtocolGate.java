package dev.ferry.tcp;

import dev.ferry.config.Cidr;
import dev.ferry.http.ClientAddress;
import io.netty.buffer.ByteBuf;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelInboundHandlerAdapter;
import io.netty.handler.codec.ByteToMessageDecoder;
import io.netty.handler.codec.haproxy.HAProxyMessage;
import io.netty.handler.codec.haproxy.HAProxyMessageDecoder;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.util.List;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * First handler of a listener with {@code proxy_protocol: true}. A connection from one of the
 * listener's {@code trusted_proxies} must start with a PROXY header (v1 or v2); the client it
 * names becomes the connection's {@link ClientAddress}. A PROXY header from anyone else is
 * refused (the connection is closed): only a trusted proxy may say who the client is. Other
 * connections from untrusted peers are served as they are.
 *
 * <p>Fires {@link #DECIDED} once the client is known, so a TCP relay can pick its server by it.
 */
public final class ProxyProtocolGate extends ByteToMessageDecoder {

    /** User event: the connection's client address is settled. */
    public static final Object DECIDED = "ferry.proxy-protocol.decided";

    private static final Logger log = LoggerFactory.getLogger(ProxyProtocolGate.class);
    private static final byte[] V1_SIGNATURE = "PROXY ".getBytes(java.nio.charset.StandardCharsets.US_ASCII);
    private static final byte[] V2_SIGNATURE = {0x0D, 0x0A, 0x0D, 0x0A, 0x00, 0x0D, 0x0A, 0x51, 0x55, 0x49, 0x54, 0x0A};

    private final List<Cidr> trustedProxies;

    public ProxyProtocolGate(List<Cidr> trustedProxies) {
        this.trustedProxies = trustedProxies;
    }

    @Override
    protected void decode(ChannelHandlerContext ctx, ByteBuf in, List<Object> out) {
        Boolean header = startsWithProxyHeader(in);
        if (header == null) {
            return;
        }
        boolean trusted = trusted(ClientAddress.peer(ctx.channel()).getAddress());
        if (header != trusted) {
            log.debug("refusing {}: {}", ctx.channel().remoteAddress(),
                    header ? "PROXY header from an untrusted peer" : "trusted peer sent no PROXY header");
            in.skipBytes(in.readableBytes());
            ctx.close();
            return;
        }
        if (header) {
            ctx.pipeline().addAfter(ctx.name(), "proxy-protocol-decoder", new HAProxyMessageDecoder())
                    .addAfter("proxy-protocol-decoder", "proxy-protocol-client", new ClientCapture());
        } else {
            ctx.fireUserEventTriggered(DECIDED);
        }
        // Leaving the pipeline hands the bytes read so far to the next handler.
        ctx.pipeline().remove(this);
    }

    /**
     * True or false as soon as the first bytes tell (unlike Netty's detector, which waits for 12
     * bytes: a client whose first message is shorter would wait forever); null while they can't.
     */
    static Boolean startsWithProxyHeader(ByteBuf in) {
        boolean v1 = matchesSoFar(in, V1_SIGNATURE);
        boolean v2 = matchesSoFar(in, V2_SIGNATURE);
        if (!v1 && !v2) {
            return false;
        }
        int readable = in.readableBytes();
        if (v1 && readable >= V1_SIGNATURE.length || v2 && readable >= V2_SIGNATURE.length) {
            return true;
        }
        return null;
    }

    private static boolean matchesSoFar(ByteBuf in, byte[] signature) {
        int n = Math.min(in.readableBytes(), signature.length);
        for (int i = 0; i < n; i++) {
            if (in.getByte(in.readerIndex() + i) != signature[i]) {
                return false;
            }
        }
        return true;
    }

    private boolean trusted(InetAddress peer) {
        for (Cidr block : trustedProxies) {
            if (block.contains(peer)) {
                return true;
            }
        }
        return false;
    }

    /** Takes the decoded header, records the client, and steps aside. */
    private static final class ClientCapture extends ChannelInboundHandlerAdapter {
        @Override
        public void channelRead(ChannelHandlerContext ctx, Object msg) {
            if (msg instanceof HAProxyMessage header) {
                try {
                    if (header.sourceAddress() != null) {
                        ClientAddress.set(ctx.channel(), new InetSocketAddress(header.sourceAddress(), header.sourcePort()));
                    }
                } finally {
                    header.release();
                }
                // The decoder removes itself once this returns (HAProxyMessageDecoder.channelRead),
                // handing on what followed the header; removing it here too would fail that.
                ctx.pipeline().remove(this);
                ctx.fireUserEventTriggered(DECIDED);
            } else {
                ctx.fireChannelRead(msg);
            }
        }
    }
}
