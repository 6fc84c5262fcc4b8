package dev.ferry.admin;

import io.netty.handler.codec.http.FullHttpRequest;
import io.netty.handler.codec.http.HttpHeaders;
import io.netty.handler.codec.http.HttpMethod;
import io.netty.handler.codec.http.QueryStringDecoder;
import io.netty.buffer.ByteBufUtil;
import java.util.List;
import java.util.Map;

/**
 * A request to the admin listener, copied out of Netty's buffers so it can be handled on the admin
 * thread after the event loop has released them.
 *
 * @param path decoded path, without the query
 * @param query decoded query parameters
 */
record AdminRequest(HttpMethod method, String path, Map<String, List<String>> query, HttpHeaders headers,
                    byte[] body) {

    static AdminRequest of(FullHttpRequest request) {
        QueryStringDecoder uri = new QueryStringDecoder(request.uri());
        return new AdminRequest(request.method(), uri.rawPath(), uri.parameters(), request.headers().copy(),
                ByteBufUtil.getBytes(request.content()));
    }

    String header(CharSequence name) {
        return headers.get(name);
    }

    /** The path split at '/', each segment percent-decoded (an address may be written {@code %5B::1%5D:80}). */
    List<String> segments() {
        String trimmed = path.startsWith("/") ? path.substring(1) : path;
        if (trimmed.isEmpty()) {
            return List.of();
        }
        return java.util.Arrays.stream(trimmed.split("/", -1))
                .map(QueryStringDecoder::decodeComponent)
                .toList();
    }
}
