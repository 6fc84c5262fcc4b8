package dev.ferry.ratelimit;

/**
 * The answer of a rate limit for one request.
 *
 * @param allowed whether the request may go on
 * @param remaining requests that could still be made at once after this one
 * @param resetNanos until the bucket is full again
 * @param retryAfterNanos when refused, until a request would be allowed; 0 when allowed
 * @param undecided refused because the limit could not be decided (a shared limit that fails closed)
 */
public record Decision(boolean allowed, long remaining, long resetNanos, long retryAfterNanos, boolean undecided) {

    Decision(boolean allowed, long remaining, long resetNanos, long retryAfterNanos) {
        this(allowed, remaining, resetNanos, retryAfterNanos, false);
    }

    /** A refusal for when the limit cannot be decided and fails closed. */
    static Decision unavailable(long retryAfterNanos) {
        return new Decision(false, 0, retryAfterNanos, retryAfterNanos, true);
    }
}
