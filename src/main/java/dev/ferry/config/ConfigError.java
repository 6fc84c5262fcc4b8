package dev.ferry.config;

import static java.util.Objects.requireNonNull;

/**
 * One thing wrong with a config file, located by file, line and field path.
 *
 * @param source the file name as given by the user
 * @param line 1-based line, or 0 when unknown
 * @param path the field, e.g. {@code listeners[0].forward_proxy.connect_ports[1]}; empty for the document
 * @param message what is wrong and, where it helps, what is expected
 */
public record ConfigError(String source, int line, String path, String message) {

    public ConfigError {
        requireNonNull(source, "source");
        requireNonNull(path, "path");
        requireNonNull(message, "message");
    }

    /** {@code ferry.yaml:12: listeners[0].bind: ...}. */
    @Override
    public String toString() {
        StringBuilder text = new StringBuilder(source);
        if (line > 0) {
            text.append(':').append(line);
        }
        text.append(": ");
        if (!path.isEmpty()) {
            text.append(path).append(": ");
        }
        return text.append(message).toString();
    }
}
