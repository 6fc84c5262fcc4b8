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
        FerryServer server;
        try {
            server = FerryServer.start(config);
        } catch (StartException e) {
            err.println("ferry: " + e.getMessage());
            err.flush();
            return 1;
        }
        CountDownLatch stopped = new CountDownLatch(1);
        Signals.onTermination(() -> {
            server.shutdown(config.server().drainTimeout());
            stopped.countDown();
        });
        try {
            stopped.await();
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            server.close();
        }
        return 0;
    }
}
