package dev.ferry.health;

import dev.ferry.testing.LoadClient;
import java.io.IOException;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.ScheduledFuture;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * A steady stream of {@code GET}s through Ferry: a scheduler issues one request every
 * {@code 1/rate} seconds, whatever happens to the earlier ones, and a few workers send them over
 * keep-alive connections (one per worker, reopened after an error). Every answer is kept with the
 * time it completed and the origin that gave it, so a test can look at the traffic before, during
 * and after what it did to the servers.
 */
final class PacedLoad implements AutoCloseable {

    /** One request: when it completed, its status (0 for an I/O error) and who answered. */
    record Sample(Instant completed, int status, String origin, String error) {
        boolean ok() {
            return status == 200;
        }
    }

    private final int port;
    private final String host;
    private final String path;
    private final int total;
    private final ScheduledExecutorService scheduler = Executors.newSingleThreadScheduledExecutor(r -> daemon(r, "paced-load"));
    private final ExecutorService workers;
    private final ThreadLocal<LoadClient> clients = new ThreadLocal<>();
    private final List<LoadClient> opened = new java.util.concurrent.CopyOnWriteArrayList<>();
    private final ConcurrentLinkedQueue<Sample> samples = new ConcurrentLinkedQueue<>();
    private final AtomicInteger issued = new AtomicInteger();
    private final CountDownLatch finished;
    private volatile ScheduledFuture<?> ticker;

    /**
     * @param perSecond requests issued per second
     * @param total requests in all
     * @param connections keep-alive client connections (and worker threads)
     */
    private PacedLoad(int port, String host, String path, int perSecond, int total, int connections) {
        this.port = port;
        this.host = host;
        this.path = path;
        this.total = total;
        this.finished = new CountDownLatch(total);
        this.workers = Executors.newFixedThreadPool(connections, r -> daemon(r, "paced-load-worker"));
        long periodNanos = TimeUnit.SECONDS.toNanos(1) / perSecond;
        this.ticker = scheduler.scheduleAtFixedRate(this::issue, 0, periodNanos, TimeUnit.NANOSECONDS);
    }

    static PacedLoad start(int port, String host, String path, int perSecond, int total, int connections) {
        return new PacedLoad(port, host, path, perSecond, total, connections);
    }

    private static Thread daemon(Runnable r, String name) {
        Thread thread = new Thread(r, name);
        thread.setDaemon(true);
        return thread;
    }

    private void issue() {
        if (issued.get() >= total) {
            ticker.cancel(false);
            return;
        }
        issued.incrementAndGet();
        workers.execute(this::send);
    }

    private void send() {
        try {
            LoadClient client = clients.get();
            if (client == null) {
                client = new LoadClient(port);
                opened.add(client);
                clients.set(client);
            }
            LoadClient.Reply reply = client.get(host, path, "");
            samples.add(new Sample(Instant.now(), reply.status(), reply.origin(), null));
            if (reply.closes()) {
                client.reconnect();
            }
        } catch (IOException e) {
            samples.add(new Sample(Instant.now(), 0, null, e.toString()));
            LoadClient broken = clients.get();
            clients.remove();
            if (broken != null) {
                try {
                    broken.close();
                } catch (IOException ignored) {
                    // already broken
                }
            }
        } finally {
            finished.countDown();
        }
    }

    /** Requests issued so far. */
    int issued() {
        return issued.get();
    }

    /** Waits until every request has been answered (or failed). */
    void awaitDone(Duration timeout) throws InterruptedException {
        if (!finished.await(timeout.toMillis(), TimeUnit.MILLISECONDS)) {
            throw new AssertionError("only " + (total - finished.getCount()) + " of " + total
                    + " requests completed within " + timeout);
        }
    }

    /** What came back so far, in order of completion. */
    List<Sample> samples() {
        return new ArrayList<>(samples);
    }

    List<Sample> failures() {
        return samples().stream().filter(s -> !s.ok()).toList();
    }

    @Override
    public void close() {
        scheduler.shutdownNow();
        workers.shutdownNow();
        for (LoadClient client : opened) {
            try {
                client.close();
            } catch (IOException ignored) {
                // closing anyway
            }
        }
    }
}
