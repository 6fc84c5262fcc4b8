package dev.ferry.http;

/**
 * User event sent to every client connection when a graceful shutdown begins: idle connections
 * close at once, busy ones after their current response.
 */
public final class DrainSignal {

    public static final DrainSignal INSTANCE = new DrainSignal();

    private DrainSignal() {
    }
}
