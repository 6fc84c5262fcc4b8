package dev.ferry.cache;

import io.netty.handler.codec.http.HttpHeaders;

/**
 * The {@code Cache-Status} entry Ferry adds to each response it caches or could have (RFC 9211),
 * after those of caches closer to the origin: {@code ferry; hit; ttl=42},
 * {@code ferry; fwd=uri-miss; stored}, {@code ferry; fwd=stale; fwd-status=304},
 * {@code ferry; fwd=uri-miss; detail=private}.
 */
final class CacheStatus {

    static final String FIELD = "cache-status";

    private final StringBuilder value;

    private CacheStatus(String cache) {
        this.value = new StringBuilder(cache);
    }

    static CacheStatus of(String cache) {
        return new CacheStatus(cache);
    }

    CacheStatus hit() {
        value.append("; hit");
        return this;
    }

    /** Why the request went forward: bypass, method, uri-miss, vary-miss, miss, request, stale. */
    CacheStatus fwd(String reason) {
        value.append("; fwd=").append(reason);
        return this;
    }

    CacheStatus fwdStatus(int status) {
        value.append("; fwd-status=").append(status);
        return this;
    }

    CacheStatus stored() {
        value.append("; stored");
        return this;
    }

    CacheStatus collapsed() {
        value.append("; collapsed");
        return this;
    }

    /** Remaining freshness in seconds (negative when stale). */
    CacheStatus ttl(long seconds) {
        value.append("; ttl=").append(seconds);
        return this;
    }

    CacheStatus detail(String detail) {
        value.append("; detail=");
        if (detail.chars().allMatch(c -> Character.isLetterOrDigit(c) || c == '-' || c == '_' || c == '.')) {
            value.append(detail);
        } else {
            value.append('"').append(detail.replace("\\", "\\\\").replace("\"", "\\\"")).append('"');
        }
        return this;
    }

    /** Appends this entry to the response's {@code Cache-Status} list. */
    void addTo(HttpHeaders headers) {
        String existing = headers.get(FIELD);
        headers.set(FIELD, existing == null ? value.toString() : existing + ", " + value);
    }

    @Override
    public String toString() {
        return value.toString();
    }
}
