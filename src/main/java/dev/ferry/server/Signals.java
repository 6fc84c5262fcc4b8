package dev.ferry.server;

import sun.misc.Signal;

/**
 * Process signals. SIGTERM and SIGINT start a graceful shutdown; handling them ourselves (rather
 * than in a JVM shutdown hook) lets the process exit 0 after draining, as supervisors expect.
 */
public final class Signals {

    private Signals() {
    }

    /** Runs {@code action} on its own thread when SIGTERM or SIGINT arrives (once). */
    public static void onTermination(Runnable action) {
        Thread worker = new Thread(action, "ferry-shutdown");
        Signal.handle(new Signal("TERM"), s -> startOnce(worker));
        Signal.handle(new Signal("INT"), s -> startOnce(worker));
    }

    private static synchronized void startOnce(Thread worker) {
        if (worker.getState() == Thread.State.NEW) {
            worker.start();
        }
    }
}
