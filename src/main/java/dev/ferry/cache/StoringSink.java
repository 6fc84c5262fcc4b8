package dev.ferry.cache;

import dev.ferry.http.ForwardingSink;
import dev.ferry.http.ResponseSink;
import io.netty.buffer.ByteBuf;
import io.netty.buffer.UnpooledByteBufAllocator;
import io.netty.handler.codec.http.DefaultHttpResponse;
import io.netty.handler.codec.http.HttpContent;
import io.netty.handler.codec.http.HttpHeaderNames;
import io.netty.handler.codec.http.HttpHeaders;
import io.netty.handler.codec.http.HttpResponse;
import io.netty.handler.codec.http.HttpResponseStatus;
import io.netty.handler.codec.http.HttpUtil;
import io.netty.handler.codec.http.LastHttpContent;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

/**
 * Streams a response to the client and, when it may be stored, keeps a copy: the client gets
 * every byte as it arrives; the copy enters the cache only once the body is complete and no
 * larger than {@code max_object_size}, so a truncated or oversized body is never stored. The
 * parts are copied once, at the end, into one buffer of the exact size.
 */
final class StoringSink extends ForwardingSink {

    private final HttpCache cache;
    private final String key;
    private final String cacheName;
    private final HttpHeaders requestHeaders;
    private final CacheControl requestCc;
    private final long requestTime;
    private final String forwardReason;
    private final Fill fill;
    private boolean collecting;
    private List<ByteBuf> parts;
    private long size;
    private HttpResponse head;
    private CacheControl cc;
    private Map<String, String> varyValues;
    private long responseTime;

    /**
     * @param requestHeaders the client's request fields (for Vary and Authorization), as a copy
     * @param forwardReason why the request went to the origin, for {@code Cache-Status}
     * @param fill the coalescing fill this request leads, or null
     */
    StoringSink(ResponseSink next, HttpCache cache, String cacheName, String key, HttpHeaders requestHeaders,
                CacheControl requestCc, long requestTime, String forwardReason, Fill fill) {
        super(next);
        this.cache = cache;
        this.cacheName = cacheName;
        this.key = key;
        this.requestHeaders = requestHeaders;
        this.requestCc = requestCc;
        this.requestTime = requestTime;
        this.forwardReason = forwardReason;
        this.fill = fill;
    }

    @Override
    public void head(HttpResponse response) {
        HttpHeaders headers = response.headers();
        cc = Directives.of(headers);
        varyValues = Vary.values(headers, requestHeaders);
        String reason = Storability.whyNot(requestHeaders, requestCc, response.status().code(), headers, cc,
                varyValues, cache.config().storeSetCookie());
        long length = HttpUtil.getContentLength(response, -1L);
        if (reason == null && length > cache.config().maxObjectSize()) {
            reason = "too large";
        }
        CacheStatus status = CacheStatus.of(cacheName).fwd(forwardReason).fwdStatus(response.status().code());
        if (reason == null) {
            collecting = true;
            parts = new ArrayList<>(4);
            head = response;
            responseTime = cache.clock().millis();
            status.stored();
        } else {
            status.detail(reason);
            if (fill != null) {
                fill.abandoned();
            }
        }
        if (collecting) {
            // The stored copy is taken now: further down, Cache-Status and framing fields are added.
            head = new DefaultHttpResponse(response.protocolVersion(), response.status(), headers.copy());
        }
        status.addTo(headers);
        next.head(response);
    }

    @Override
    public void body(HttpContent part) {
        if (collecting) {
            int n = part.content().readableBytes();
            size += n;
            if (size > cache.config().maxObjectSize()) {
                stopCollecting();
            } else if (n > 0) {
                parts.add(part.content().retainedSlice());
            }
        }
        boolean last = part instanceof LastHttpContent;
        next.body(part);
        if (last && collecting) {
            store();
        }
    }

    @Override
    public void abort(HttpResponseStatus status, String reason) {
        stopCollecting();
        next.abort(status, reason);
    }

    private void stopCollecting() {
        if (collecting) {
            collecting = false;
            parts.forEach(ByteBuf::release);
            parts = null;
            if (fill != null) {
                fill.abandoned();
            }
        }
    }

    private void store() {
        collecting = false;
        ByteBuf body = UnpooledByteBufAllocator.DEFAULT.directBuffer((int) size, (int) size);
        for (ByteBuf part : parts) {
            body.writeBytes(part);
            part.release();
        }
        parts = null;
        HttpHeaders stored = StoredHeaders.toStore(head.headers(), cc, size);
        cache.store(Entries.stored(key, head.status(), head.headers(), stored, body, requestTime, responseTime,
                cc, varyValues, cache.config()));
        if (fill != null) {
            fill.stored();
        }
    }
}
