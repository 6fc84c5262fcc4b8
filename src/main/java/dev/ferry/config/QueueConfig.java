package dev.ferry.config;

import java.time.Duration;

/**
 * The bounded waiting room of an upstream.
 *
 * @param size requests that may wait at once; 0 means none wait (503 at once)
 * @param timeout a waiting request gets 503 after this long
 */
public record QueueConfig(int size, Duration timeout) {

    public static final QueueConfig DEFAULT = new QueueConfig(0, Duration.ofSeconds(5));
}
