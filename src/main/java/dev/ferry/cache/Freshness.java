package dev.ferry.cache;

import io.netty.handler.codec.http.HttpHeaderNames;
import io.netty.handler.codec.http.HttpHeaders;
import java.util.List;

/**
 * Freshness and age arithmetic of RFC 9111 §4.2, as pure functions over epoch milliseconds.
 * Ferry is a shared cache, so {@code s-maxage} applies.
 */
final class Freshness {

    /** Parsed date of a field that is present but not an HTTP-date. */
    static final long INVALID_DATE = Long.MIN_VALUE;
    /** Parsed date of a field that is absent. */
    static final long NO_DATE = Long.MIN_VALUE + 1;

    private Freshness() {
    }

    /**
     * §4.2.1: {@code s-maxage}, else {@code max-age}, else {@code Expires} minus {@code Date},
     * else a heuristic. A directive or {@code Expires} that cannot be parsed makes the response
     * stale (lifetime 0), as §4.2.1 and §5.3 advise.
     */
    static long lifetime(int status, HttpHeaders headers, CacheControl cc, long dateValue,
                         int heuristicPercent, long maxHeuristic) {
        long sMaxAge = cc.seconds("s-maxage");
        if (sMaxAge != CacheControl.ABSENT) {
            return sMaxAge == CacheControl.INVALID ? 0 : sMaxAge * 1000;
        }
        long maxAge = cc.seconds("max-age");
        if (maxAge != CacheControl.ABSENT) {
            return maxAge == CacheControl.INVALID ? 0 : maxAge * 1000;
        }
        if (headers.contains(HttpHeaderNames.EXPIRES)) {
            long expires = date(headers, HttpHeaderNames.EXPIRES);
            return expires == INVALID_DATE ? 0 : Math.max(0, expires - dateValue);
        }
        long lastModified = date(headers, HttpHeaderNames.LAST_MODIFIED);
        if ((heuristicallyCacheable(status) || cc.has("public")) && lastModified > NO_DATE
                && lastModified < dateValue) {
            // §4.2.2: a fraction of the time since the last modification, as caches commonly do.
            return Math.min(maxHeuristic, (dateValue - lastModified) * heuristicPercent / 100);
        }
        return 0;
    }

    /** §4.2.3: the current age of a stored response, in ms. */
    static long currentAge(StoredResponse stored, long now) {
        long apparentAge = Math.max(0, stored.responseTime() - stored.dateValue());
        long responseDelay = Math.max(0, stored.responseTime() - stored.requestTime());
        long correctedAgeValue = stored.ageValue() * 1000 + responseDelay;
        long correctedInitialAge = Math.max(apparentAge, correctedAgeValue);
        long residentTime = Math.max(0, now - stored.responseTime());
        return correctedInitialAge + residentTime;
    }

    /** §3.2 / RFC 9110 §15.1: statuses a cache may give heuristic freshness. */
    static boolean heuristicallyCacheable(int status) {
        return switch (status) {
            case 200, 203, 204, 206, 300, 301, 308, 404, 405, 410, 414, 501 -> true;
            default -> false;
        };
    }

    /**
     * The date in the {@code name} field: epoch ms, {@link #NO_DATE} when absent, or
     * {@link #INVALID_DATE} when it is not an HTTP-date or appears more than once.
     */
    static long date(HttpHeaders headers, CharSequence name) {
        List<String> values = headers.getAll(name);
        if (values.isEmpty()) {
            return NO_DATE;
        }
        if (values.size() > 1) {
            return INVALID_DATE;
        }
        long parsed = HttpDates.parse(values.get(0));
        return parsed == Long.MIN_VALUE ? INVALID_DATE : parsed;
    }

    /**
     * §5.1: the {@code Age} value in seconds, from the first member of the first field line; 0
     * when absent or not a non-negative integer ({@code 7200.0} is not one), 2^31 at most.
     */
    static long ageValue(HttpHeaders headers) {
        List<String> values = headers.getAll(HttpHeaderNames.AGE);
        if (values.isEmpty()) {
            return 0;
        }
        String line = values.get(0);
        int comma = line.indexOf(',');
        String value = (comma < 0 ? line : line.substring(0, comma)).trim();
        if (value.isEmpty()) {
            return 0;
        }
        long n = 0;
        for (int i = 0; i < value.length(); i++) {
            char c = value.charAt(i);
            if (c < '0' || c > '9') {
                return 0;
            }
            n = n * 10 + (c - '0');
            if (n >= CacheControl.MAX_DELTA) {
                return CacheControl.MAX_DELTA;
            }
        }
        return n;
    }
}
