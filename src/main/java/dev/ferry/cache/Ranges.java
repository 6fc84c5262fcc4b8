package dev.ferry.cache;

import io.netty.handler.codec.http.HttpHeaderNames;
import io.netty.handler.codec.http.HttpHeaders;

/**
 * Serving a {@code Range} request from a stored full response (RFC 9110 §14). One range per
 * request: a request for several gets the whole representation, which RFC 9110 §14.2 allows.
 */
final class Ranges {

    /** A satisfiable range: bytes [first, last] of a representation of {@code length} bytes. */
    record Range(long first, long last, long length) {
        long size() {
            return last - first + 1;
        }

        String contentRange() {
            return "bytes " + first + "-" + last + "/" + length;
        }
    }

    /** Marks a range request that cannot be satisfied (416). */
    static final Range UNSATISFIABLE = new Range(-1, -1, -1);

    private Ranges() {
    }

    /**
     * The range to serve for {@code request} from {@code stored}: null to serve the whole
     * response (no Range, several ranges, a failed If-Range, a stored response that is not a 200),
     * {@link #UNSATISFIABLE}, or the range.
     */
    static Range select(HttpHeaders request, StoredResponse stored) {
        String header = request.get(HttpHeaderNames.RANGE);
        if (header == null || stored.status() != 200) {
            return null;
        }
        String ifRange = request.get(HttpHeaderNames.IF_RANGE);
        if (ifRange != null && !ifRangeHolds(ifRange.trim(), stored)) {
            return null;
        }
        String spec = header.trim();
        if (!spec.regionMatches(true, 0, "bytes=", 0, 6) || spec.indexOf(',') >= 0) {
            return null;
        }
        long length = stored.body().readableBytes();
        String range = spec.substring(6).trim();
        int dash = range.indexOf('-');
        if (dash < 0) {
            return null;
        }
        String from = range.substring(0, dash).trim();
        String to = range.substring(dash + 1).trim();
        try {
            if (from.isEmpty()) {
                long suffix = Long.parseLong(to);
                if (suffix <= 0 || length == 0) {
                    return UNSATISFIABLE;
                }
                return new Range(Math.max(0, length - suffix), length - 1, length);
            }
            long first = Long.parseLong(from);
            long last = to.isEmpty() ? length - 1 : Math.min(Long.parseLong(to), length - 1);
            if (first >= length || first < 0) {
                return UNSATISFIABLE;
            }
            if (last < first) {
                return null;
            }
            return new Range(first, last, length);
        } catch (NumberFormatException e) {
            return null;
        }
    }

    /** RFC 9110 §13.1.5: a strong entity-tag match, or an exact Last-Modified date. */
    private static boolean ifRangeHolds(String ifRange, StoredResponse stored) {
        if (ifRange.startsWith("\"") || ifRange.startsWith("W/")) {
            String etag = stored.headers().get(HttpHeaderNames.ETAG);
            return etag != null && Conditionals.strongMatch(ifRange, etag.trim());
        }
        long date = HttpDates.parse(ifRange);
        long lastModified = Freshness.date(stored.headers(), HttpHeaderNames.LAST_MODIFIED);
        return lastModified > Freshness.NO_DATE && date == lastModified;
    }
}
