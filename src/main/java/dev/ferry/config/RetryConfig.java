package dev.ferry.config;

/**
 * Retry policy of an upstream.
 *
 * @param attempts tries in all, the first included; 1 means no retry
 * @param budgetPercent retries in flight may be at most this share of requests in flight (0-100)
 * @param maxReplayBody a request body up to this many bytes is kept so the request can be retried;
 *     a larger one is streamed and the request is not retried once any of it was sent
 */
public record RetryConfig(int attempts, int budgetPercent, long maxReplayBody) {

    public static final RetryConfig DEFAULT = new RetryConfig(2, 20, 64 * 1024);
}
