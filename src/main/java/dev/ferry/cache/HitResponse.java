package dev.ferry.cache;

import dev.ferry.http.ResponseSink;
import io.netty.buffer.ByteBuf;
import io.netty.handler.codec.http.DefaultHttpResponse;
import io.netty.handler.codec.http.DefaultLastHttpContent;
import io.netty.handler.codec.http.HttpHeaderNames;
import io.netty.handler.codec.http.HttpHeaders;
import io.netty.handler.codec.http.HttpMethod;
import io.netty.handler.codec.http.HttpResponse;
import io.netty.handler.codec.http.HttpResponseStatus;
import io.netty.handler.codec.http.HttpVersion;
import io.netty.handler.codec.http.LastHttpContent;
import java.util.List;

/**
 * Answers a request from a stored response: the stored fields plus {@code Age} and
 * {@code Cache-Status}; a 304 when the client's own conditions match (§4.3.2); a 206 (or 416) for
 * a single byte range; no body for HEAD. The body is a retained duplicate of the stored bytes.
 */
final class HitResponse {

    /** RFC 9110 §15.4.5: what a 304 carries (and Ferry's own fields). */
    private static final List<CharSequence> NOT_MODIFIED_FIELDS = List.of(
            HttpHeaderNames.CACHE_CONTROL, HttpHeaderNames.CONTENT_LOCATION, HttpHeaderNames.DATE,
            HttpHeaderNames.ETAG, HttpHeaderNames.EXPIRES, HttpHeaderNames.VARY, HttpHeaderNames.LAST_MODIFIED,
            HttpHeaderNames.VIA, "cdn-cache-control");

    private HitResponse() {
    }

    /**
     * Sends {@code stored} as the answer through {@code sink}.
     *
     * @return false when the stored body was freed meanwhile (evicted): nothing was sent
     */
    static boolean send(ResponseSink sink, HttpMethod method, HttpHeaders request, StoredResponse stored,
                        long now, CacheStatus status) {
        long age = Math.max(0, Freshness.currentAge(stored, now) / 1000);
        long ttl = (stored.lifetime() - Freshness.currentAge(stored, now)) / 1000;
        status.ttl(stored.flags().purged ? Math.min(ttl, 0) : ttl);
        if (Conditionals.notModified(request, stored)) {
            HttpResponse head = new DefaultHttpResponse(HttpVersion.HTTP_1_1, HttpResponseStatus.NOT_MODIFIED);
            for (CharSequence name : NOT_MODIFIED_FIELDS) {
                List<String> values = stored.headers().getAll(name);
                if (!values.isEmpty()) {
                    head.headers().set(name, values);
                }
            }
            finish(sink, head, age, status, LastHttpContent.EMPTY_LAST_CONTENT);
            return true;
        }
        Ranges.Range range = Ranges.select(request, stored);
        HttpResponse head = new DefaultHttpResponse(HttpVersion.HTTP_1_1, stored.responseStatus());
        head.headers().set(stored.headers());
        if (range == Ranges.UNSATISFIABLE) {
            head.setStatus(HttpResponseStatus.REQUESTED_RANGE_NOT_SATISFIABLE);
            head.headers().set(HttpHeaderNames.CONTENT_RANGE, "bytes */" + stored.body().readableBytes())
                    .set(HttpHeaderNames.CONTENT_LENGTH, 0);
            finish(sink, head, age, status, LastHttpContent.EMPTY_LAST_CONTENT);
            return true;
        }
        if (method == HttpMethod.HEAD) {
            finish(sink, head, age, status, LastHttpContent.EMPTY_LAST_CONTENT);
            return true;
        }
        ByteBuf body = stored.retainBody();
        if (body == null) {
            return false;
        }
        if (range != null) {
            head.setStatus(HttpResponseStatus.PARTIAL_CONTENT);
            head.headers().set(HttpHeaderNames.CONTENT_RANGE, range.contentRange())
                    .set(HttpHeaderNames.CONTENT_LENGTH, range.size());
            ByteBuf part = body.slice(body.readerIndex() + (int) range.first(), (int) range.size());
            finish(sink, head, age, status, new DefaultLastHttpContent(part));
            return true;
        }
        finish(sink, head, age, status, new DefaultLastHttpContent(body));
        return true;
    }

    private static void finish(ResponseSink sink, HttpResponse head, long age, CacheStatus status, LastHttpContent body) {
        head.headers().set(HttpHeaderNames.AGE, age);
        status.addTo(head.headers());
        sink.head(head);
        sink.body(body);
    }
}
