package dev.ferry.observe;

/**
 * What the cache did for a request, as the {@code cache} label of {@code ferry_requests_total}: a
 * small fixed set, whatever the cache writes in {@code Cache-Status}.
 */
public enum CacheOutcome {
    /** No cache in front of the route. */
    NONE,
    /** Served from the cache, fresh. */
    HIT,
    /** Served from the cache, stale (stale-while-revalidate, max-stale, or an unreachable origin). */
    STALE,
    /** Not in the cache: fetched from the origin. */
    MISS,
    /** In the cache but stale: validated with the origin. */
    REVALIDATED,
    /** Not cacheable by method or request: passed through. */
    BYPASS,
    /** Anything else a cache reported. */
    OTHER;

    private final String label = name().toLowerCase(java.util.Locale.ROOT);

    public String label() {
        return label;
    }

    /** The outcome of an exchange's cache status ({@code HIT}, {@code MISS}, ...; null when no cache ran). */
    public static CacheOutcome of(String status) {
        if (status == null) {
            return NONE;
        }
        return switch (status) {
            case "HIT" -> HIT;
            case "STALE" -> STALE;
            case "MISS" -> MISS;
            case "REVALIDATED" -> REVALIDATED;
            case "BYPASS" -> BYPASS;
            default -> OTHER;
        };
    }
}
