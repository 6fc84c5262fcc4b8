package dev.ferry.redis;

/** A call that did not go to Redis because the circuit is open, or before the first connection. */
public final class RedisUnavailable extends RuntimeException {

    public RedisUnavailable(String reason) {
        super(reason, null, false, false);
    }
}
