package dev.ferry.demo;

import java.util.ArrayDeque;
import java.util.List;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.LongAdder;

/** What tests observe of an origin: counters and the last requests, written by event loops, read by anyone. */
final class OriginStats {

    static final int RECORDED_LIMIT = 1000;

    private final AtomicInteger connectionIds = new AtomicInteger();
    private final AtomicInteger connections = new AtomicInteger();
    private final AtomicInteger requests = new AtomicInteger();
    private final LongAdder bytes = new LongAdder();
    private final ArrayDeque<RecordedRequest> recorded = new ArrayDeque<>();

    /** Counts a connection and returns its id; ids are never reused, not even after {@link #reset()}. */
    int connectionAccepted() {
        connections.incrementAndGet();
        return connectionIds.incrementAndGet();
    }

    void requestReceived() {
        requests.incrementAndGet();
    }

    void bytesRead(int count) {
        bytes.add(count);
    }

    void record(RecordedRequest request) {
        synchronized (recorded) {
            if (recorded.size() == RECORDED_LIMIT) {
                recorded.removeFirst();
            }
            recorded.addLast(request);
        }
    }

    int connectionsAccepted() {
        return connections.get();
    }

    int requestsReceived() {
        return requests.get();
    }

    long bytesReceived() {
        return bytes.sum();
    }

    List<RecordedRequest> recorded() {
        synchronized (recorded) {
            return List.copyOf(recorded);
        }
    }

    void reset() {
        connections.set(0);
        requests.set(0);
        bytes.reset();
        synchronized (recorded) {
            recorded.clear();
        }
    }
}
