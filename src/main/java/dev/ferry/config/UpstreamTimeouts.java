package dev.ferry.config;

import java.time.Duration;

/**
 * Timeouts by leg towards a server.
 *
 * @param connect establishing the TCP connection
 * @param response from the request being sent to the first byte of the response head
 * @param idle between two reads or writes while a request or response streams
 * @param tunnel idle time of a tunnel (CONNECT, WebSocket) before it is closed
 */
public record UpstreamTimeouts(Duration connect, Duration response, Duration idle, Duration tunnel) {

    public static final UpstreamTimeouts DEFAULT = new UpstreamTimeouts(
            Duration.ofSeconds(5), Duration.ofSeconds(60), Duration.ofSeconds(60), Duration.ofMinutes(10));
}
