package dev.ferry.config;

import static java.util.Objects.requireNonNull;

import java.nio.file.Path;
import java.time.Duration;
import java.util.List;

/**
 * TLS termination on a listener ({@code listeners[].tls}).
 *
 * @param certificates at least one; the first is the default, the others are chosen by the name a
 *     client asks for in SNI (matched against each certificate's DNS names, wildcards included)
 * @param handshakeTimeout a client that has not finished its handshake by then is disconnected
 */
public record ListenerTls(List<Certificate> certificates, Duration handshakeTimeout) {

    public static final Duration DEFAULT_HANDSHAKE_TIMEOUT = Duration.ofSeconds(10);

    public ListenerTls {
        certificates = List.copyOf(certificates);
        if (certificates.isEmpty()) {
            throw new IllegalArgumentException("a TLS listener needs a certificate");
        }
        requireNonNull(handshakeTimeout, "handshakeTimeout");
    }

    /**
     * One certificate chain and its private key, both PEM files (absolute paths).
     *
     * @param path where it is written in the config ({@code listeners[0].tls.certificates[1]}), for messages
     */
    public record Certificate(Path cert, Path key, String path) {

        public Certificate {
            requireNonNull(cert, "cert");
            requireNonNull(key, "key");
            requireNonNull(path, "path");
        }
    }
}
