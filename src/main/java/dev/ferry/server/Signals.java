package dev.ferry.server;

import sun.misc.Signal;

/**
 * Process signals. SIGHUP reloads the config; SIGTERM and SIGINT start a graceful shutdown; handling them ourselves (rather
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

    /** Runs {@code action} on a thread of its own each time SIGHUP arrives (reload). */
    public static void onHangup(Runnable action) {
        Signal.handle(new Signal("HUP"), s -> {
            Thread worker = new Thread(action, "ferry-reload");
            worker.setDaemon(true);
            worker.start();
        });
    }

    private static synchronized void startOnce(Thread worker) {
        if (worker.getState() == Thread.State.NEW) {
            worker.start();
        }
    }
}
