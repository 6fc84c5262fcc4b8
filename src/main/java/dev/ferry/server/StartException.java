package dev.ferry.server;

/** Ferry could not start, e.g. a listener's address is in use. Nothing was left listening. */
public final class StartException extends Exception {

    public StartException(String message, Throwable cause) {
        super(message, cause);
    }
}
