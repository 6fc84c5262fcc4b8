package dev.ferry.cache;

import io.netty.handler.codec.http.DefaultHttpHeadersFactory;
import io.netty.handler.codec.http.HttpHeaderNames;
import io.netty.handler.codec.http.HttpHeaders;
import java.util.List;
import java.util.Map;

/**
 * Which header fields are stored (RFC 9111 §3.1) and how a 304 updates them (§3.2).
 */
final class StoredHeaders {

    /** Fields Ferry computes per response (or that frame one hop), so stored values would only mislead. */
    private static final List<CharSequence> NEVER_STORED = List.of(
            HttpHeaderNames.AGE, HttpHeaderNames.TRANSFER_ENCODING, HttpHeaderNames.CONNECTION, CacheStatus.FIELD);

    /** §3.2: a 304 never changes Content-Length: it describes the stored body, not the 304. */
    private static final List<CharSequence> KEPT_ON_UPDATE = List.of(HttpHeaderNames.CONTENT_LENGTH);

    private StoredHeaders() {
    }

    /**
     * The fields to store: all the response's (hop-by-hop ones are gone already) but those named in a
     * qualified {@code private} or {@code no-cache} (§5.2.2.4, §5.2.2.7) and the ones Ferry
     * recomputes; {@code Content-Length} set to the stored body's length. {@code Set-Cookie} is kept:
     * a response carrying it is only stored at all where the cache's {@code store_set_cookie} says so.
     */
    static HttpHeaders toStore(HttpHeaders response, CacheControl cc, long bodyLength) {
        HttpHeaders stored = DefaultHttpHeadersFactory.headersFactory().withValidation(false).newHeaders();
        for (Map.Entry<String, String> field : response) {
            stored.add(field.getKey(), field.getValue());
        }
        NEVER_STORED.forEach(stored::remove);
        removeQualified(stored, cc.fieldNames("private"));
        removeQualified(stored, cc.fieldNames("no-cache"));
        stored.set(HttpHeaderNames.CONTENT_LENGTH, bodyLength);
        return stored;
    }

    /**
     * §3.2: each field of the 304 replaces (not joins) the stored lines of that name, except
     * {@code Content-Length} and the fields never stored; fields the 304 lacks stay.
     */
    static HttpHeaders updated(HttpHeaders stored, HttpHeaders notModified, CacheControl cc) {
        HttpHeaders merged = stored.copy();
        for (String name : notModified.names()) {
            if (contains(KEPT_ON_UPDATE, name) || contains(NEVER_STORED, name)) {
                continue;
            }
            merged.set(name, notModified.getAll(name));
        }
        removeQualified(merged, cc.fieldNames("private"));
        removeQualified(merged, cc.fieldNames("no-cache"));
        return merged;
    }

    private static boolean contains(List<CharSequence> names, String name) {
        for (CharSequence candidate : names) {
            if (candidate.toString().equalsIgnoreCase(name)) {
                return true;
            }
        }
        return false;
    }

    private static void removeQualified(HttpHeaders headers, List<String> fields) {
        if (fields != null) {
            fields.forEach(headers::remove);
        }
    }
}
