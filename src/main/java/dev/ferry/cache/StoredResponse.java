package dev.ferry.cache;

import io.netty.buffer.ByteBuf;
import io.netty.handler.codec.http.HttpHeaders;
import io.netty.handler.codec.http.HttpResponseStatus;
import io.netty.util.IllegalReferenceCountException;
import java.util.List;
import java.util.Map;
import java.util.concurrent.atomic.AtomicBoolean;

/**
 * A response in the cache: its status, the header fields as stored (RFC 9111 §3.1), the body, and
 * what freshness and {@code Age} are computed from. Immutable and shared by every event loop; a
 * 304 that refreshes it makes a new one. The body belongs to the cache: a hit serves a retained
 * duplicate of it, so bytes are never copied per request.
 *
 * @param key the primary cache key
 * @param responseStatus status code and reason phrase as received (299 "Whatever" stays so)
 * @param headers never changed after construction
 * @param body read-only; released when the entry leaves the cache
 * @param requestTime when the request that fetched it was sent (epoch ms, §4.2.3 request_time)
 * @param responseTime when the response was received (epoch ms, §4.2.3 response_time)
 * @param dateValue its {@code Date} (epoch ms), or responseTime when it had none
 * @param ageValue its {@code Age} in seconds when received, 0 without one
 * @param lifetime freshness lifetime in ms (§4.2.1)
 * @param directives the effective response directives (CDN-Cache-Control, else Cache-Control)
 * @param varyValues for each field named in {@code Vary}, the request's normalised value; empty without Vary
 * @param tags purge tags from {@code Surrogate-Key} and {@code Cache-Tag}
 */
record StoredResponse(
        String key,
        HttpResponseStatus responseStatus,
        HttpHeaders headers,
        ByteBuf body,
        long requestTime,
        long responseTime,
        long dateValue,
        long ageValue,
        long lifetime,
        CacheControl directives,
        Map<String, String> varyValues,
        List<String> tags,
        Flags flags) {

    int status() {
        return responseStatus.code();
    }

    /** The body for one response, or null when the entry was just evicted and its bytes freed. */
    ByteBuf retainBody() {
        try {
            return body.retainedDuplicate();
        } catch (IllegalReferenceCountException e) {
            return null;
        }
    }

    /** The same response with another body (same flags). */
    StoredResponse withBody(ByteBuf other) {
        return new StoredResponse(key, responseStatus, headers, other, requestTime, responseTime, dateValue, ageValue,
                lifetime, directives, varyValues, tags, flags);
    }

    /** Bytes it holds, as the cache weighs it. */
    int weight() {
        int headerBytes = 64;
        for (Map.Entry<String, String> header : headers) {
            headerBytes += header.getKey().length() + header.getValue().length() + 4;
        }
        return (int) Math.min(Integer.MAX_VALUE, (long) body.readableBytes() + headerBytes + 200);
    }

    /** State shared by every copy of one stored response. */
    static final class Flags {
        /** A soft purge marked it stale: it may be revalidated, not served fresh. */
        volatile boolean purged;
        /** A background revalidation is on its way (stale-while-revalidate asks for one, not many). */
        final AtomicBoolean revalidating = new AtomicBoolean();
    }
}
