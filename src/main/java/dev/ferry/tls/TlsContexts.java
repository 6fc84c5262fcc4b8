package dev.ferry.tls;

import dev.ferry.config.FerryConfig;
import dev.ferry.config.ListenerConfig;
import dev.ferry.config.UpstreamConfig;
import io.netty.handler.ssl.ApplicationProtocolNames;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * Every TLS context of a config: one {@link ServerTls} per TLS listener, one {@link ClientTls} per
 * upstream with TLS servers. A pure function of the config (and the files it names): a reload
 * builds a new set from the new snapshot, so changed certificates are read again.
 *
 * <p>{@link #alpn} is the one place that decides which protocols a TLS listener offers.
 */
public final class TlsContexts {

    private final Map<String, ServerTls> listeners;
    private final Map<String, ClientTls> upstreams;

    private TlsContexts(Map<String, ServerTls> listeners, Map<String, ClientTls> upstreams) {
        this.listeners = listeners;
        this.upstreams = upstreams;
    }

    /** No TLS anywhere. */
    public static TlsContexts none() {
        return new TlsContexts(Map.of(), Map.of());
    }

    /**
     * Reads every certificate, key and CA file of {@code config}.
     *
     * @throws TlsException the first unusable one, naming its place in the config and its file
     */
    public static TlsContexts build(FerryConfig config) throws TlsException {
        Map<String, ServerTls> listeners = new LinkedHashMap<>();
        for (ListenerConfig listener : config.listeners()) {
            if (listener.tls().isPresent()) {
                listeners.put(listener.name(), ServerTls.build(listener.name(), listener.tls().get(), alpn(listener)));
            }
        }
        Map<String, ClientTls> upstreams = new LinkedHashMap<>();
        for (UpstreamConfig upstream : config.upstreams().values()) {
            if (upstream.tls().isPresent()) {
                upstreams.put(upstream.name(), ClientTls.build(upstream.name(), upstream.tls().get()));
            }
        }
        return new TlsContexts(Map.copyOf(listeners), Map.copyOf(upstreams));
    }

    /**
     * The ALPN protocol names a TLS listener offers, in preference order: {@code h2} first unless
     * its {@code http2.alpn} is off, then {@code http/1.1}.
     */
    public static List<String> alpn(ListenerConfig listener) {
        return listener.http2().alpn()
                ? List.of(ApplicationProtocolNames.HTTP_2, ApplicationProtocolNames.HTTP_1_1)
                : List.of(ApplicationProtocolNames.HTTP_1_1);
    }

    public Optional<ServerTls> listener(String name) {
        return Optional.ofNullable(listeners.get(name));
    }

    public Optional<ClientTls> upstream(String name) {
        return Optional.ofNullable(upstreams.get(name));
    }
}
