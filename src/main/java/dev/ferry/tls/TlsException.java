package dev.ferry.tls;

/** A TLS setting cannot be used: a file is missing or unreadable, a key does not match its certificate. */
public final class TlsException extends Exception {

    public TlsException(String message) {
        super(message);
    }

    public TlsException(String message, Throwable cause) {
        super(message, cause);
    }
}
