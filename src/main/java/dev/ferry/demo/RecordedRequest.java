package dev.ferry.demo;

import static java.util.Objects.requireNonNull;

import io.netty.handler.codec.http.HttpRequest;
import java.net.InetSocketAddress;
import java.net.SocketAddress;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.TreeMap;

/**
 * A request as the origin received it.
 *
 * @param connectionId which connection carried it: connections are numbered from 1 in the order they
 *                     were accepted, so two requests with the same id shared a pooled connection
 * @param method       as sent, e.g. {@code GET}
 * @param uri          the request target as sent (origin-form, or absolute-form from a forward proxy)
 * @param protocol     {@code HTTP/1.1} or {@code HTTP/1.0}
 * @param headers      lower-case names to values in the order received; lookups ignore case
 * @param bodyLength   body bytes received (after chunked decoding)
 * @param bodySha256   lower-case hex SHA-256 of those bytes
 * @param remote       the peer's address
 * @param complete     false when the connection closed before the whole body arrived
 */
public record RecordedRequest(int connectionId, String method, String uri, String protocol,
                              Map<String, List<String>> headers, long bodyLength, String bodySha256,
                              InetSocketAddress remote, boolean complete) {

    public RecordedRequest {
        requireNonNull(method, "method");
        requireNonNull(uri, "uri");
        requireNonNull(protocol, "protocol");
        requireNonNull(bodySha256, "bodySha256");
        headers = copyHeaders(requireNonNull(headers, "headers"));
    }

    static RecordedRequest of(int connectionId, HttpRequest request, BodyDigest body, SocketAddress remote,
                              boolean complete) {
        Map<String, List<String>> headers = new TreeMap<>(String.CASE_INSENSITIVE_ORDER);
        for (Map.Entry<String, String> header : request.headers()) {
            headers.computeIfAbsent(header.getKey().toLowerCase(Locale.ROOT), k -> new ArrayList<>(1))
                    .add(header.getValue());
        }
        InetSocketAddress peer = remote instanceof InetSocketAddress inet ? inet : null;
        return new RecordedRequest(connectionId, request.method().name(), request.uri(),
                request.protocolVersion().text(), headers, body.length(), body.sha256(), peer, complete);
    }

    /** The first value of a header (any case), or null. */
    public String header(String name) {
        List<String> values = headers.get(name);
        return values == null || values.isEmpty() ? null : values.get(0);
    }

    /** Every value of a header (any case), possibly none. */
    public List<String> headers(String name) {
        return headers.getOrDefault(name, List.of());
    }

    private static Map<String, List<String>> copyHeaders(Map<String, List<String>> headers) {
        Map<String, List<String>> copy = new TreeMap<>(String.CASE_INSENSITIVE_ORDER);
        headers.forEach((name, values) -> copy.put(name.toLowerCase(Locale.ROOT), List.copyOf(values)));
        return Collections.unmodifiableMap(copy);
    }
}
