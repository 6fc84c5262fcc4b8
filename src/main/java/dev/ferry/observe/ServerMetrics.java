package dev.ferry.observe;

/**
 * What one upstream server's exchanges record: how long it took to answer, with what status, and
 * how attempts failed. Every method is cheap and safe from any event loop.
 */
public interface ServerMetrics {

    /** For servers nobody reports on (the forward proxy's targets). */
    ServerMetrics NONE = new ServerMetrics() {
        @Override
        public void responded(int status, long nanos) {
        }

        @Override
        public void failed(String reason) {
        }
    };

    /**
     * A final response head arrived.
     *
     * @param nanos from the start of the attempt (connecting or borrowing a connection) to the head
     */
    void responded(int status, long nanos);

    /** An attempt failed before its response started; {@code reason} comes from a small fixed set. */
    void failed(String reason);
}
