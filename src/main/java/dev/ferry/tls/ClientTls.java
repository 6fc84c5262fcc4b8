package dev.ferry.tls;

import static java.util.Objects.requireNonNull;

import dev.ferry.config.UpstreamTls;
import io.netty.buffer.ByteBufAllocator;
import io.netty.handler.ssl.SslContext;
import io.netty.handler.ssl.SslContextBuilder;
import io.netty.handler.ssl.SslHandler;
import io.netty.handler.ssl.util.InsecureTrustManagerFactory;
import java.security.cert.X509Certificate;
import java.util.List;
import java.util.Optional;
import javax.net.ssl.SSLException;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * TLS towards the servers of one upstream: the {@link TlsPolicy}, trust in the system's store or
 * the configured CA file, host name verification (RFC 6125, as HTTPS clients do) and SNI with the
 * configured {@code server_name} or each server's own host. Verification is off only when the
 * config says {@code verify: false}, and then a warning is logged when the context is built.
 */
public final class ClientTls {

    public static final String TLS = "tls";

    private static final Logger log = LoggerFactory.getLogger(ClientTls.class);

    private final SslContext context;
    private final Optional<String> serverName;

    private ClientTls(SslContext context, Optional<String> serverName) {
        this.context = context;
        this.serverName = serverName;
    }

    /**
     * @param upstream the upstream's name, for the warning
     * @throws TlsException naming the config path and the CA file when it cannot be used
     */
    public static ClientTls build(String upstream, UpstreamTls config) throws TlsException {
        requireNonNull(config, "config");
        SslContextBuilder builder = TlsPolicy.apply(SslContextBuilder.forClient());
        if (!config.verify()) {
            log.warn("upstreams.{}: tls verify is false: the certificates of its servers are not checked; "
                    + "anyone on the path can read and change its traffic", upstream);
            builder.trustManager(InsecureTrustManagerFactory.INSTANCE).endpointIdentificationAlgorithm(null);
        } else {
            if (config.ca().isPresent()) {
                List<X509Certificate> trusted;
                try {
                    trusted = Pem.certificates(config.ca().get());
                } catch (TlsException e) {
                    throw new TlsException(config.path() + ".ca: " + e.getMessage(), e);
                }
                builder.trustManager(trusted.toArray(X509Certificate[]::new));
            }
            builder.endpointIdentificationAlgorithm("HTTPS");
        }
        try {
            return new ClientTls(builder.build(), config.serverName());
        } catch (SSLException | RuntimeException e) {
            throw new TlsException(config.path() + ": cannot build a TLS client context: " + e.getMessage(), e);
        }
    }

    /**
     * A handler for a new connection to a server; its handshake starts when the connection does.
     *
     * @param host the server's host as configured (a name or an IP literal), used for SNI and
     *     verification unless {@code server_name} is set
     * @param handshakeTimeoutMillis the handshake fails after this long
     */
    public SslHandler newHandler(ByteBufAllocator allocator, String host, int port, long handshakeTimeoutMillis) {
        SslHandler handler = context.newHandler(allocator, serverName.orElse(host), port);
        handler.setHandshakeTimeoutMillis(handshakeTimeoutMillis);
        return handler;
    }
}
