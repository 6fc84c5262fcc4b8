package dev.ferry.cli;

import dev.ferry.config.FerryConfig;
import dev.ferry.server.FerryServer;
import dev.ferry.server.Signals;
import dev.ferry.server.StartException;
import java.io.PrintWriter;
import java.util.concurrent.CountDownLatch;

/** Starts Ferry with a config and keeps the process alive until SIGTERM/SIGINT has drained it. */
final class Serving {

    private Serving() {
    }

    /** Returns the exit code: 0 after a graceful shutdown, 1 when Ferry could not start. */
    static int serve(FerryConfig config, PrintWriter err) {
        // Handlers first: a signal that arrives while the listeners bind is kept, and honoured right after.
        CountDownLatch terminate = new CountDownLatch(1);
        Signals.onTermination(terminate::countDown);
        java.util.concurrent.atomic.AtomicReference<FerryServer> running = new java.util.concurrent.atomic.AtomicReference<>();
        // Reloads read the file again; the server logs what it did (or every reason it refused).
        Signals.onHangup(() -> {
            FerryServer current = running.get();
            if (current != null) {
                current.reload();
            }
        });
        FerryServer server;
        try {
            server = FerryServer.start(config);
        } catch (StartException e) {
            err.println("ferry: " + e.getMessage());
            err.flush();
            return 1;
        }
        running.set(server);
        try {
            terminate.await();
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
        server.shutdown(config.server().drainTimeout());
        return 0;
    }
}
