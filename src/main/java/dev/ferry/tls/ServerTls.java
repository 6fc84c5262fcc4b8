package dev.ferry.tls;

import static java.util.Objects.requireNonNull;

import dev.ferry.config.ListenerTls;
import io.netty.buffer.ByteBufAllocator;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelPipeline;
import io.netty.handler.ssl.ApplicationProtocolConfig;
import io.netty.handler.ssl.ApplicationProtocolConfig.Protocol;
import io.netty.handler.ssl.ApplicationProtocolConfig.SelectedListenerFailureBehavior;
import io.netty.handler.ssl.ApplicationProtocolConfig.SelectorFailureBehavior;
import io.netty.handler.ssl.ApplicationProtocolNames;
import io.netty.handler.ssl.ApplicationProtocolNegotiationHandler;
import io.netty.handler.ssl.SniHandler;
import io.netty.handler.ssl.SslContext;
import io.netty.handler.ssl.SslContextBuilder;
import io.netty.handler.ssl.SslHandler;
import io.netty.handler.ssl.SslHandshakeCompletionEvent;
import io.netty.util.DomainWildcardMappingBuilder;
import io.netty.util.Mapping;
import java.nio.file.Path;
import java.security.PrivateKey;
import java.security.cert.CertificateParsingException;
import java.security.cert.X509Certificate;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Collection;
import java.util.HashSet;
import java.util.List;
import java.util.Locale;
import java.util.Set;
import java.util.concurrent.atomic.LongAdder;
import javax.net.ssl.SSLException;
import javax.security.auth.x500.X500Principal;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * TLS termination for one listener: its certificates (the first is the default, the others are
 * picked by SNI against each certificate's DNS names, {@code *.example.com} included), the
 * {@link TlsPolicy}, ALPN, and a handshake timeout. Built from the listener's config alone, so a
 * reloaded config builds a new one and new connections use it.
 *
 * <p>Handshake failures (timeouts, unsupported versions or suites, clients that are not speaking
 * TLS) are logged at debug level, counted, and close only their own connection.
 */
public final class ServerTls {

    public static final String TLS = "tls";
    public static final String NEGOTIATION = "tls-negotiation";

    private static final Logger log = LoggerFactory.getLogger(ServerTls.class);

    private final String listener;
    private final SslContext defaultContext;
    private final Mapping<String, SslContext> byName;
    private final long handshakeTimeoutMillis;
    private final List<String> alpn;
    private final LongAdder handshakeFailures = new LongAdder();

    private ServerTls(String listener, SslContext defaultContext, Mapping<String, SslContext> byName,
                      long handshakeTimeoutMillis, List<String> alpn) {
        this.listener = listener;
        this.defaultContext = defaultContext;
        this.byName = byName;
        this.handshakeTimeoutMillis = handshakeTimeoutMillis;
        this.alpn = alpn;
    }

    /**
     * Reads every certificate and key of {@code config} and builds the contexts.
     *
     * @param listener the listener's name, for logs
     * @param alpn protocol names to offer, in preference order
     * @throws TlsException naming the config path and the file when one cannot be used
     */
    public static ServerTls build(String listener, ListenerTls config, List<String> alpn) throws TlsException {
        requireNonNull(config, "config");
        List<String> protocols = List.copyOf(alpn);
        SslContext first = null;
        DomainWildcardMappingBuilder<SslContext> names = null;
        Set<String> taken = new HashSet<>();
        for (ListenerTls.Certificate certificate : config.certificates()) {
            List<X509Certificate> chain;
            PrivateKey key;
            try {
                chain = Pem.certificates(certificate.cert());
                key = Pem.privateKey(certificate.key());
                Pem.checkPair(key, certificate.key(), chain.get(0), certificate.cert());
            } catch (TlsException e) {
                throw new TlsException(certificate.path() + ": " + e.getMessage(), e);
            }
            warnIfExpired(listener, certificate.cert(), chain.get(0));
            SslContext context = serverContext(certificate, chain, key, protocols);
            if (first == null) {
                first = context;
                names = new DomainWildcardMappingBuilder<>(config.certificates().size() * 2 + 1, first);
            }
            // The first certificate that names a host serves it.
            for (String name : dnsNames(chain.get(0))) {
                if (taken.add(name)) {
                    names.add(name, context);
                }
            }
        }
        Mapping<String, SslContext> mapping = config.certificates().size() > 1 ? names.build() : null;
        return new ServerTls(listener, first, mapping, config.handshakeTimeout().toMillis(), protocols);
    }

    private static SslContext serverContext(ListenerTls.Certificate certificate, List<X509Certificate> chain,
                                            PrivateKey key, List<String> protocols) throws TlsException {
        try {
            return TlsPolicy.apply(SslContextBuilder.forServer(key, chain.toArray(X509Certificate[]::new)))
                    .applicationProtocolConfig(new ApplicationProtocolConfig(Protocol.ALPN,
                            // A client offering none of ours gets no ALPN answer and falls back to HTTP/1.1.
                            SelectorFailureBehavior.NO_ADVERTISE, SelectedListenerFailureBehavior.ACCEPT, protocols))
                    .build();
        } catch (SSLException | RuntimeException e) {
            throw new TlsException(certificate.path() + ": cannot use " + certificate.cert() + " with "
                    + certificate.key() + ": " + e.getMessage(), e);
        }
    }

    /** The DNS names a certificate serves: its DNS subject alternative names, else its subject CN. */
    static List<String> dnsNames(X509Certificate certificate) {
        List<String> names = new ArrayList<>();
        try {
            Collection<List<?>> alternatives = certificate.getSubjectAlternativeNames();
            if (alternatives != null) {
                for (List<?> entry : alternatives) {
                    if (entry.size() >= 2 && Integer.valueOf(2).equals(entry.get(0))) {
                        names.add(entry.get(1).toString().toLowerCase(Locale.ROOT));
                    }
                }
            }
        } catch (CertificateParsingException e) {
            // fall back to the CN
        }
        if (names.isEmpty()) {
            String subject = certificate.getSubjectX500Principal().getName(X500Principal.RFC2253);
            for (String part : subject.split(",")) {
                if (part.startsWith("CN=")) {
                    names.add(part.substring(3).toLowerCase(Locale.ROOT));
                }
            }
        }
        return names;
    }

    private static void warnIfExpired(String listener, Path file, X509Certificate certificate) {
        Instant notAfter = certificate.getNotAfter().toInstant();
        if (notAfter.isBefore(Instant.now())) {
            log.warn("listener {}: the certificate in {} expired on {}", listener, file, notAfter);
        }
    }

    /** ALPN names offered, in preference order. */
    public List<String> alpn() {
        return alpn;
    }

    /** Handshakes that failed or timed out since start. */
    public long handshakeFailures() {
        return handshakeFailures.sum();
    }

    /**
     * Adds TLS to a new connection: SNI (when there are several certificates) and the handshake,
     * then {@code pipelines} installs what the negotiated protocol needs.
     */
    public void install(ChannelPipeline pipeline, ProtocolPipelines pipelines) {
        if (byName == null) {
            SslHandler handler = defaultContext.newHandler(pipeline.channel().alloc());
            handler.setHandshakeTimeoutMillis(handshakeTimeoutMillis);
            pipeline.addLast(TLS, handler);
        } else {
            pipeline.addLast(TLS, new Sni(byName, handshakeTimeoutMillis));
        }
        pipeline.addLast(NEGOTIATION, new Negotiation(pipelines));
    }

    /** The context for a host name, as SNI would pick it (the default one for null or unknown names). */
    SslContext contextFor(String hostName) {
        return byName == null || hostName == null ? defaultContext : byName.map(hostName);
    }

    private void countFailure(ChannelHandlerContext ctx, Throwable cause) {
        handshakeFailures.increment();
        if (log.isDebugEnabled()) {
            log.debug("listener {}: TLS handshake with {} failed: {}", listener, ctx.channel().remoteAddress(),
                    cause == null ? "unknown" : cause.toString());
        }
    }

    /** SNI selection, with the handshake timeout on the handler it installs. */
    private static final class Sni extends SniHandler {
        private final long handshakeTimeoutMillis;

        Sni(Mapping<String, SslContext> mapping, long handshakeTimeoutMillis) {
            // The same timeout bounds the wait for the ClientHello.
            super(mapping, 16 * 1024, handshakeTimeoutMillis);
            this.handshakeTimeoutMillis = handshakeTimeoutMillis;
        }

        @Override
        protected SslHandler newSslHandler(SslContext context, ByteBufAllocator allocator) {
            SslHandler handler = super.newSslHandler(context, allocator);
            handler.setHandshakeTimeoutMillis(handshakeTimeoutMillis);
            return handler;
        }
    }

    /**
     * Waits for the handshake, then lets {@link ProtocolPipelines} install the negotiated
     * protocol. A failure is counted once (it may arrive both as an event and as an exception),
     * logged at debug level, and closes the connection.
     */
    private final class Negotiation extends ApplicationProtocolNegotiationHandler {
        private final ProtocolPipelines pipelines;
        private boolean failed;

        Negotiation(ProtocolPipelines pipelines) {
            super(ApplicationProtocolNames.HTTP_1_1);
            this.pipelines = pipelines;
        }

        @Override
        protected void configurePipeline(ChannelHandlerContext ctx, String protocol) {
            pipelines.configure(ctx.pipeline(), protocol);
        }

        @Override
        public void userEventTriggered(ChannelHandlerContext ctx, Object event) throws Exception {
            if (event instanceof SslHandshakeCompletionEvent completion && !completion.isSuccess()) {
                fail(ctx, completion.cause());
                return;
            }
            super.userEventTriggered(ctx, event);
        }

        @Override
        protected void handshakeFailure(ChannelHandlerContext ctx, Throwable cause) {
            fail(ctx, cause);
        }

        @Override
        public void exceptionCaught(ChannelHandlerContext ctx, Throwable cause) {
            // Before the handshake is done, anything that goes wrong is a failed handshake.
            fail(ctx, cause instanceof io.netty.handler.codec.DecoderException && cause.getCause() != null
                    ? cause.getCause() : cause);
        }

        private void fail(ChannelHandlerContext ctx, Throwable cause) {
            if (!failed) {
                failed = true;
                countFailure(ctx, cause);
            }
            ctx.close();
        }
    }
}
