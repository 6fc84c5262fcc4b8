package dev.ferry.observe;

/**
 * One access log line, built once when an exchange completes.
 *
 * @param timeMillis when the request head arrived, epoch milliseconds
 * @param listener listener name
 * @param client client address as {@code ip:port}
 * @param method request method
 * @param target request target as received
 * @param protocol {@code HTTP/1.1} or {@code HTTP/1.0}
 * @param status status sent, 499 when the client left before a response, 0 if none
 * @param bytesIn request body bytes received
 * @param bytesOut response body bytes sent
 * @param durationMicros from the request head to the last byte written
 * @param upstream server address used, or null
 * @param cacheStatus cache outcome (HIT, MISS, ...), or null
 * @param route route name, or null
 */
public record AccessRecord(
        long timeMillis,
        String listener,
        String client,
        String method,
        String target,
        String protocol,
        int status,
        long bytesIn,
        long bytesOut,
        long durationMicros,
        String upstream,
        String cacheStatus,
        String route) {
}
