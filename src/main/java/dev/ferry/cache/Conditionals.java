package dev.ferry.cache;

import io.netty.handler.codec.http.HttpHeaderNames;
import io.netty.handler.codec.http.HttpHeaders;
import java.util.List;

/**
 * Answering a client's own conditional GET or HEAD from a stored response (RFC 9111 §4.3.2,
 * RFC 9110 §13.1): {@code If-None-Match} with the weak comparison, and, only when that is absent,
 * {@code If-Modified-Since} against {@code Last-Modified} (or {@code Date} when the stored response
 * has none).
 */
final class Conditionals {

    private Conditionals() {
    }

    /**
     * Whether the client's conditions say its copy is current, so it gets a 304. Never for a stored
     * response that is not 2xx: RFC 9110 §13.2.1 has preconditions ignored when the response would
     * otherwise be anything but 2xx (or 412), so a stored 404 stays a 404.
     */
    static boolean notModified(HttpHeaders request, StoredResponse stored) {
        if (stored.status() < 200 || stored.status() > 299) {
            return false;
        }
        List<String> ifNoneMatch = request.getAll(HttpHeaderNames.IF_NONE_MATCH);
        if (!ifNoneMatch.isEmpty()) {
            String etag = stored.headers().get(HttpHeaderNames.ETAG);
            for (String line : ifNoneMatch) {
                for (String candidate : splitTags(line)) {
                    if (candidate.equals("*") || etag != null && weakMatch(candidate, etag)) {
                        return true;
                    }
                }
            }
            return false;
        }
        long since = Freshness.date(request, HttpHeaderNames.IF_MODIFIED_SINCE);
        if (since <= Freshness.NO_DATE) {
            return false;
        }
        long lastModified = Freshness.date(stored.headers(), HttpHeaderNames.LAST_MODIFIED);
        long reference = lastModified > Freshness.NO_DATE ? lastModified : stored.dateValue();
        return reference <= since;
    }

    /** RFC 9110 §8.8.3.2: equal opaque tags, ignoring W/ on either. */
    static boolean weakMatch(String a, String b) {
        return opaque(a).equals(opaque(b));
    }

    /** RFC 9110 §8.8.3.2: both strong and equal. */
    static boolean strongMatch(String a, String b) {
        return !a.startsWith("W/") && !b.startsWith("W/") && a.equals(b);
    }

    private static String opaque(String tag) {
        String t = tag.trim();
        return t.startsWith("W/") ? t.substring(2) : t;
    }

    /** Entity tags of a list such as {@code "a", W/"b,c"} (commas inside quotes kept). */
    static List<String> splitTags(String line) {
        java.util.ArrayList<String> tags = new java.util.ArrayList<>();
        StringBuilder current = new StringBuilder();
        boolean quoted = false;
        for (int i = 0; i < line.length(); i++) {
            char c = line.charAt(i);
            if (c == '"') {
                quoted = !quoted;
            }
            if (c == ',' && !quoted) {
                add(tags, current);
            } else {
                current.append(c);
            }
        }
        add(tags, current);
        return tags;
    }

    private static void add(List<String> tags, StringBuilder current) {
        String tag = current.toString().trim();
        if (!tag.isEmpty()) {
            tags.add(tag);
        }
        current.setLength(0);
    }
}
