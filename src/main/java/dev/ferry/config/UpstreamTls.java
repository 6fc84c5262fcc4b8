package dev.ferry.config;

import static java.util.Objects.requireNonNull;

import java.nio.file.Path;
import java.util.Optional;

/**
 * TLS towards the servers of an upstream ({@code upstreams.NAME.tls}, or implied by an
 * {@code https://} server address).
 *
 * @param ca PEM file of the certificates to trust; empty means the system trust store
 * @param verify check the server's certificate and host name (false only when written so)
 * @param serverName the name sent in SNI and checked against the certificate; empty means each
 *     server's own host as written in its address
 * @param path where it is written in the config, for messages
 */
public record UpstreamTls(Optional<Path> ca, boolean verify, Optional<String> serverName, String path) {

    public UpstreamTls {
        requireNonNull(ca, "ca");
        requireNonNull(serverName, "serverName");
        requireNonNull(path, "path");
    }

    /** Verified against the system trust store, SNI from each server's host. */
    public static UpstreamTls defaults(String path) {
        return new UpstreamTls(Optional.empty(), true, Optional.empty(), path);
    }
}
