package dev.ferry.demo;

import io.netty.handler.codec.DateFormatter;
import io.netty.handler.codec.http.HttpHeaderNames;
import io.netty.handler.codec.http.HttpHeaders;
import io.netty.handler.codec.http.HttpResponseStatus;
import java.util.ArrayList;
import java.util.Date;
import java.util.List;
import java.util.Map;

/**
 * The query parameters any endpoint accepts to shape its response, so that a test can ask for exactly
 * the caching headers it needs: {@code cache}, {@code etag}, {@code lastmod}, {@code vary} and the
 * repeatable {@code header=Name:Value}. Also answers the conditional requests the validators enable.
 */
final class ResponseDirectives {

    private ResponseDirectives() {
    }

    /**
     * Applies the parameters to {@code reply}, then turns it into a 304 if the request's conditions
     * say the client's copy is current.
     *
     * @throws IllegalArgumentException when a parameter is malformed
     */
    static void apply(HttpReply reply, Map<String, List<String>> params, RecordedRequest request) {
        HttpHeaders headers = reply.headers();
        for (String value : values(params, "cache")) {
            headers.set(HttpHeaderNames.CACHE_CONTROL, value);
        }
        for (String value : values(params, "etag")) {
            headers.set(HttpHeaderNames.ETAG, quoted(value));
        }
        for (String value : values(params, "lastmod")) {
            headers.set(HttpHeaderNames.LAST_MODIFIED, value);
        }
        for (String value : values(params, "vary")) {
            headers.add(HttpHeaderNames.VARY, value);
        }
        for (String value : values(params, "header")) {
            int colon = value.indexOf(':');
            if (colon <= 0) {
                throw new IllegalArgumentException("header must be Name:Value, got " + value);
            }
            headers.add(value.substring(0, colon).trim(), value.substring(colon + 1).trim());
        }
        if (notModified(reply, request)) {
            reply.notModified();
        }
    }

    private static boolean notModified(HttpReply reply, RecordedRequest request) {
        boolean safe = request.method().equals("GET") || request.method().equals("HEAD");
        if (!safe || !reply.status().equals(HttpResponseStatus.OK)) {
            return false;
        }
        // RFC 9110 §13.2.2: If-None-Match is evaluated first, and when present If-Modified-Since is ignored
        String ifNoneMatch = request.header("If-None-Match");
        if (ifNoneMatch != null) {
            String etag = reply.headers().get(HttpHeaderNames.ETAG);
            return etag != null && anyWeaklyMatches(ifNoneMatch, etag);
        }
        Date lastModified = date(reply.headers().get(HttpHeaderNames.LAST_MODIFIED));
        Date ifModifiedSince = date(request.header("If-Modified-Since"));
        return lastModified != null && ifModifiedSince != null && !lastModified.after(ifModifiedSince);
    }

    /** RFC 9110 §13.1.3: an invalid date makes the condition be ignored, hence null rather than an error. */
    private static Date date(String text) {
        return text == null ? null : DateFormatter.parseHttpDate(text);
    }

    /** Refuses what would split the response head: a query parameter may hold a percent-encoded CR or LF. */
    private static List<String> values(Map<String, List<String>> params, String name) {
        List<String> values = params.getOrDefault(name, List.of());
        for (String value : values) {
            if (value.indexOf('\r') >= 0 || value.indexOf('\n') >= 0) {
                throw new IllegalArgumentException("line break in query parameter " + name);
            }
        }
        return values;
    }

    /** An entity tag as sent: {@code abc} becomes {@code "abc"}; {@code "abc"} and {@code W/"abc"} are kept. */
    static String quoted(String etag) {
        return etag.startsWith("\"") || etag.startsWith("W/\"") ? etag : "\"" + etag + "\"";
    }

    /** RFC 9110 §13.1.2: If-None-Match uses the weak comparison, so {@code W/} is ignored on both sides. */
    static boolean anyWeaklyMatches(String ifNoneMatch, String etag) {
        String opaque = opaque(etag);
        for (String candidate : entityTags(ifNoneMatch)) {
            if (candidate.equals("*") || opaque(candidate).equals(opaque)) {
                return true;
            }
        }
        return false;
    }

    /** Splits an If-None-Match list; commas inside the quotes of an entity tag are part of it. */
    static List<String> entityTags(String list) {
        List<String> tags = new ArrayList<>();
        int i = 0;
        while (i < list.length()) {
            char c = list.charAt(i);
            if (c == ',' || c == ' ' || c == '\t') {
                i++;
                continue;
            }
            int start = i;
            int quote = list.indexOf('"', i);
            if (quote >= 0 && (quote == i || list.startsWith("W/", i) && quote == i + 2)) {
                int close = list.indexOf('"', quote + 1);
                i = close < 0 ? list.length() : close + 1;
            } else {
                int comma = list.indexOf(',', i);
                i = comma < 0 ? list.length() : comma;
            }
            tags.add(list.substring(start, i).trim());
        }
        return tags;
    }

    private static String opaque(String etag) {
        return etag.startsWith("W/") ? etag.substring(2) : etag;
    }
}
