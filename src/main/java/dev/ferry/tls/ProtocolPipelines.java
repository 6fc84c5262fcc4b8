package dev.ferry.tls;

import io.netty.channel.ChannelPipeline;
import io.netty.handler.ssl.ApplicationProtocolNames;

/**
 * The ALPN hook: what a TLS connection speaks once its handshake is done. {@link ServerTls}
 * offers the names of {@link TlsContexts#alpn} in the handshake and then calls
 * {@link #configure} with the one negotiated ({@code http/1.1} when the client used no ALPN), on
 * the connection's event loop; the handlers it adds go after the TLS handlers.
 *
 * <p>HTTP/2 plugs in here: offer {@code h2} first in {@link TlsContexts#alpn}, and install the
 * HTTP/2 frame codec when {@code protocol} is {@link ApplicationProtocolNames#HTTP_2}.
 */
@FunctionalInterface
public interface ProtocolPipelines {

    /** Installs the handlers of {@code protocol}, one of the names offered. */
    void configure(ChannelPipeline pipeline, String protocol);
}
