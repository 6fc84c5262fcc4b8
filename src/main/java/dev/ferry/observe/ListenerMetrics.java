package dev.ferry.observe;

/**
 * What one listener records: its connections, and each request once it is finished. Called on the
 * event loops: implementations only touch meters resolved in advance, never build tags.
 */
public interface ListenerMetrics {

    ListenerMetrics NONE = new ListenerMetrics() {
        @Override
        public void connectionOpened() {
        }

        @Override
        public void connectionClosed() {
        }

        @Override
        public void connectionRefused() {
        }

        @Override
        public void requestFinished(String route, boolean forwardProxied, int status, String cacheStatus, long nanos,
                                    boolean tunnel) {
        }

        @Override
        public void requestRejected(int status) {
        }
    };

    void connectionOpened();

    void connectionClosed();

    /** Refused at once: {@code max_connections} were open. */
    void connectionRefused();

    /**
     * A request is finished (its response complete, cut off, or its tunnel closed).
     *
     * @param route the route it took, or null
     * @param forwardProxied the listener's forward proxy took it
     * @param status the status sent (499 when the client left first)
     * @param cacheStatus what the cache did ({@code HIT}, {@code MISS}, ...), or null
     * @param nanos from the request head to the end of the response
     * @param tunnel a CONNECT or WebSocket tunnel: counted, but not in the latency histogram
     */
    void requestFinished(String route, boolean forwardProxied, int status, String cacheStatus, long nanos,
                         boolean tunnel);

    /** A malformed request answered before it became an exchange (400, 408, 414, 431...). */
    void requestRejected(int status);
}
