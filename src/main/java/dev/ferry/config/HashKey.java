package dev.ferry.config;

import static java.util.Objects.requireNonNull;

/**
 * What {@code consistent_hash} hashes: {@code client_ip}, {@code header:NAME} or {@code cookie:NAME}.
 *
 * @param source where the key comes from
 * @param name header or cookie name; empty for client_ip
 */
public record HashKey(Source source, String name) {

    public enum Source { CLIENT_IP, HEADER, COOKIE }

    public HashKey {
        requireNonNull(source, "source");
        requireNonNull(name, "name");
    }

    @Override
    public String toString() {
        return switch (source) {
            case CLIENT_IP -> "client_ip";
            case HEADER -> "header:" + name;
            case COOKIE -> "cookie:" + name;
        };
    }
}
