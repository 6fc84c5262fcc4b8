package dev.ferry.observe;

/** What an upstream records beyond its servers: retries. */
public interface UpstreamMetrics {

    UpstreamMetrics NONE = () -> {
    };

    /** A retry was sent to another server. */
    void retried();
}
