package dev.ferry.admin;

import io.netty.handler.codec.http.HttpResponseStatus;
import java.nio.charset.StandardCharsets;
import java.util.Map;

/**
 * An admin response: status, content type, body and any extra headers.
 *
 * @param headers beyond Content-Type and Content-Length (e.g. Allow, WWW-Authenticate)
 */
record Reply(HttpResponseStatus status, String contentType, byte[] body, Map<String, String> headers) {

    static final String JSON = "application/json; charset=utf-8";

    Reply {
        headers = Map.copyOf(headers);
    }

    static Reply json(HttpResponseStatus status, Json.Body body) {
        return new Reply(status, JSON, Json.write(body), Map.of());
    }

    static Reply ok(Json.Body body) {
        return json(HttpResponseStatus.OK, body);
    }

    /** {@code {"error": "...", "status": 404}}: what is wrong, in words. */
    static Reply error(HttpResponseStatus status, String message) {
        return json(status, json -> {
            json.writeStartObject();
            json.writeStringField("error", message);
            json.writeNumberField("status", status.code());
            json.writeEndObject();
        });
    }

    static Reply text(HttpResponseStatus status, String contentType, String text) {
        return new Reply(status, contentType, text.getBytes(StandardCharsets.UTF_8), Map.of());
    }

    Reply withHeader(String name, String value) {
        Map<String, String> more = new java.util.LinkedHashMap<>(headers);
        more.put(name, value);
        return new Reply(status, contentType, body, more);
    }
}
