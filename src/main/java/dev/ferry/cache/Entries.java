package dev.ferry.cache;

import dev.ferry.config.CacheConfig;
import io.netty.buffer.ByteBuf;
import io.netty.handler.codec.http.HttpHeaderNames;
import io.netty.handler.codec.http.HttpHeaders;
import io.netty.handler.codec.http.HttpResponseStatus;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

/** Builds {@link StoredResponse}s: the times and freshness lifetime they are judged by. */
final class Entries {

    private static final CharSequence SURROGATE_KEY = "surrogate-key";
    private static final CharSequence CACHE_TAG = "cache-tag";

    private Entries() {
    }

    /**
     * @param received the response's fields as received (for Date and Age)
     * @param stored the fields to store (see {@link StoredHeaders#toStore})
     */
    static StoredResponse stored(String key, HttpResponseStatus status, HttpHeaders received, HttpHeaders stored,
                                 ByteBuf body,
                                 long requestTime, long responseTime, CacheControl cc, Map<String, String> varyValues,
                                 CacheConfig config) {
        long date = Freshness.date(received, HttpHeaderNames.DATE);
        long dateValue = date > Freshness.NO_DATE ? date : responseTime;
        long lifetime = Freshness.lifetime(status.code(), received, cc, dateValue, config.heuristicPercent(),
                config.maxHeuristic().toMillis());
        return new StoredResponse(key, status, stored, body, requestTime, responseTime, dateValue,
                Freshness.ageValue(received), lifetime, cc, varyValues, tags(received), new StoredResponse.Flags());
    }

    /**
     * The response as refreshed by a 304 (§4.3.4) or a HEAD's 200 (§4.3.5): new fields, times and
     * lifetime, the same body. Its flags start clear: the origin has just vouched for it, so a soft
     * purge that asked for this revalidation is done with.
     */
    static StoredResponse refreshed(StoredResponse old, HttpHeaders notModified, long requestTime, long responseTime,
                                    CacheConfig config) {
        CacheControl ncc = Directives.of(notModified);
        HttpHeaders merged = StoredHeaders.updated(old.headers(), notModified, ncc.isEmpty() ? old.directives() : ncc);
        CacheControl cc = Directives.of(merged);
        long date = Freshness.date(notModified, HttpHeaderNames.DATE);
        long dateValue = date > Freshness.NO_DATE ? date : responseTime;
        long lifetime = Freshness.lifetime(old.status(), merged, cc, dateValue, config.heuristicPercent(),
                config.maxHeuristic().toMillis());
        return new StoredResponse(old.key(), old.responseStatus(), merged, old.body(), requestTime, responseTime,
                dateValue, Freshness.ageValue(notModified), lifetime, cc, old.varyValues(), tags(merged),
                new StoredResponse.Flags());
    }

    /** Purge tags: space-separated {@code Surrogate-Key} (Fastly), comma-separated {@code Cache-Tag} (Cloudflare). */
    static List<String> tags(HttpHeaders headers) {
        List<String> tags = new ArrayList<>();
        for (String value : headers.getAll(SURROGATE_KEY)) {
            for (String tag : value.trim().split("\\s+")) {
                if (!tag.isEmpty()) {
                    tags.add(tag);
                }
            }
        }
        for (String value : headers.getAll(CACHE_TAG)) {
            for (String tag : value.split(",")) {
                if (!tag.isBlank()) {
                    tags.add(tag.trim());
                }
            }
        }
        return List.copyOf(tags);
    }
}
