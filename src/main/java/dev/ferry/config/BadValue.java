package dev.ferry.config;

/**
 * Thrown by the value parsers with a message fit for the user; the reader turns it into a
 * {@link ConfigError} at the value's path and line.
 */
final class BadValue extends RuntimeException {

    BadValue(String message) {
        super(message, null, false, false);
    }
}
