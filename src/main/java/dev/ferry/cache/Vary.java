package dev.ferry.cache;

import io.netty.handler.codec.http.HttpHeaderNames;
import io.netty.handler.codec.http.HttpHeaders;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;

/**
 * Secondary keys (RFC 9111 §4.1): a stored response is used for a request only if every field
 * its {@code Vary} names has the same value in the request as in the request that fetched it.
 * Values are normalised (lines combined, whitespace around commas removed) before comparing; an
 * absent field matches only an absent field; {@code Vary: *} never matches.
 */
final class Vary {

    /** The marker {@code Vary: *} gives: no request ever matches. */
    static final Map<String, String> STAR = Collections.unmodifiableMap(new LinkedHashMap<>(Map.of("*", "*")));
    private static final String ABSENT = "\u0000absent";

    private Vary() {
    }

    /** For each field the response varies on, the request's normalised value. */
    static Map<String, String> values(HttpHeaders response, HttpHeaders request) {
        List<String> vary = response.getAll(HttpHeaderNames.VARY);
        if (vary.isEmpty()) {
            return Map.of();
        }
        Map<String, String> values = new LinkedHashMap<>();
        for (String line : vary) {
            for (String name : line.split(",")) {
                String field = name.trim().toLowerCase(Locale.ROOT);
                if (field.equals("*")) {
                    return STAR;
                }
                if (!field.isEmpty()) {
                    values.put(field, normalised(request, field));
                }
            }
        }
        return Collections.unmodifiableMap(values);
    }

    /** Whether {@code request} matches the values a stored response was fetched with. */
    static boolean matches(Map<String, String> stored, HttpHeaders request) {
        if (stored == STAR) {
            return false;
        }
        for (Map.Entry<String, String> field : stored.entrySet()) {
            if (!field.getValue().equals(normalised(request, field.getKey()))) {
                return false;
            }
        }
        return true;
    }

    private static String normalised(HttpHeaders request, String field) {
        List<String> lines = request.getAll(field);
        if (lines.isEmpty()) {
            return ABSENT;
        }
        StringBuilder value = new StringBuilder();
        for (String line : lines) {
            for (String element : line.split(",", -1)) {
                if (value.length() > 0) {
                    value.append(',');
                }
                value.append(element.trim());
            }
        }
        return value.toString();
    }
}
