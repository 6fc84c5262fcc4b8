package dev.ferry.cache;

import dev.ferry.testing.JsonText;
import dev.ferry.testing.RawHttp;
import java.io.IOException;
import java.util.List;
import java.util.Locale;
import java.util.Map;

/** One request on a connection of its own, as the cache tests send them (each names its Host). */
final class Fetch {

    private Fetch() {
    }

    /** {@code GET target} with {@code Host: host} and extra header lines ({@code "Name: value"}). */
    static RawHttp.Response get(int port, String host, String target, String... headers) throws IOException {
        return send(port, "GET", host, target, headers);
    }

    static RawHttp.Response send(int port, String method, String host, String target, String... headers)
            throws IOException {
        try (RawHttp raw = new RawHttp(port)) {
            return raw.send(request(method, host, target, headers)).read(method.equals("HEAD"));
        }
    }

    static String request(String method, String host, String target, String... headers) {
        StringBuilder request = new StringBuilder()
                .append(method).append(' ').append(target).append(" HTTP/1.1\r\nHost: ").append(host).append("\r\n");
        for (String header : headers) {
            request.append(header).append("\r\n");
        }
        return request.append("\r\n").toString();
    }

    /** The {@code Cache-Status} field, or "" without one. */
    static String cacheStatus(RawHttp.Response response) {
        String value = response.header("cache-status");
        return value == null ? "" : value;
    }

    /** A request header as {@code /echo} reports the origin received it, or null when it did not. */
    @SuppressWarnings("unchecked")
    static String echoed(RawHttp.Response response, String header) {
        Map<String, Object> headers = (Map<String, Object>) JsonText.object(response.bodyText()).get("headers");
        List<Object> values = (List<Object>) headers.get(header.toLowerCase(Locale.ROOT));
        return values == null ? null : String.join(", ", values.stream().map(String::valueOf).toList());
    }

    /** The request target {@code /echo} reports. */
    static String echoedUri(RawHttp.Response response) {
        return (String) JsonText.object(response.bodyText()).get("uri");
    }
}
