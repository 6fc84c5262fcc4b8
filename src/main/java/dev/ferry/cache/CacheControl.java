package dev.ferry.cache;

import io.netty.handler.codec.http.HttpHeaders;
import java.util.ArrayList;
import java.util.Collections;
import java.util.HashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;

/**
 * The directives of a {@code Cache-Control} field (or of {@code CDN-Cache-Control}), all field
 * lines taken together (RFC 9111 §5.2). Names are case-insensitive; when a directive appears more
 * than once the first occurrence counts (§4.2.1); unknown directives are kept and ignored.
 */
final class CacheControl {

    /** No directives at all. */
    static final CacheControl EMPTY = new CacheControl(Map.of());

    /** {@link #seconds} of a directive that is absent. */
    static final long ABSENT = -1;
    /** {@link #seconds} of a directive present with a value that is not delta-seconds. */
    static final long INVALID = -2;
    /** RFC 9111 §1.2.2: a larger delta-seconds is taken as 2^31. */
    static final long MAX_DELTA = 2147483648L;

    private final Map<String, String> directives;

    private CacheControl(Map<String, String> directives) {
        this.directives = directives;
    }

    /** The directives of every {@code name} field line of {@code headers}. */
    static CacheControl of(HttpHeaders headers, CharSequence name) {
        List<String> lines = headers.getAll(name);
        if (lines.isEmpty()) {
            return EMPTY;
        }
        Map<String, String> directives = new HashMap<>();
        for (String line : lines) {
            parse(line, directives);
        }
        return new CacheControl(directives);
    }

    /** Directives already parsed elsewhere (name to argument, null for none). */
    static CacheControl of(Map<String, String> directives) {
        return new CacheControl(new HashMap<>(directives));
    }

    static CacheControl parse(String value) {
        Map<String, String> directives = new HashMap<>();
        parse(value, directives);
        return new CacheControl(directives);
    }

    boolean isEmpty() {
        return directives.isEmpty();
    }

    /** Directive names to arguments (null for none), read-only. */
    Map<String, String> asMap() {
        return java.util.Collections.unmodifiableMap(directives);
    }

    boolean has(String directive) {
        return directives.containsKey(directive);
    }

    /** Whether the directive is present with an argument ({@code max-stale=60}, not {@code max-stale}). */
    boolean hasArgument(String directive) {
        return directives.get(directive) != null;
    }

    /** A delta-seconds directive: its value, {@link #ABSENT} or {@link #INVALID}. */
    long seconds(String directive) {
        String value = directives.get(directive);
        if (value == null) {
            return has(directive) ? INVALID : ABSENT;
        }
        if (value.isEmpty()) {
            return INVALID;
        }
        long n = 0;
        for (int i = 0; i < value.length(); i++) {
            char c = value.charAt(i);
            if (c < '0' || c > '9') {
                return INVALID;
            }
            n = n * 10 + (c - '0');
            if (n >= MAX_DELTA) {
                return MAX_DELTA;
            }
        }
        return n;
    }

    /**
     * The field names of a qualified {@code private="..."} or {@code no-cache="..."}: an empty list
     * when the directive has no value, null when it is absent.
     */
    List<String> fieldNames(String directive) {
        if (!has(directive)) {
            return null;
        }
        String value = directives.get(directive);
        if (value == null || value.isBlank()) {
            return List.of();
        }
        List<String> names = new ArrayList<>();
        for (String name : value.split(",")) {
            String trimmed = name.trim();
            if (!trimmed.isEmpty()) {
                names.add(trimmed.toLowerCase(Locale.ROOT));
            }
        }
        return Collections.unmodifiableList(names);
    }

    /**
     * Parses {@code #( token [ "=" ( token / quoted-string ) ] )}. A malformed element is skipped
     * up to the next comma (outside quotes), so one bad directive does not hide the others.
     */
    private static void parse(String value, Map<String, String> into) {
        int i = 0;
        int n = value.length();
        while (i < n) {
            while (i < n && (value.charAt(i) == ',' || value.charAt(i) == ' ' || value.charAt(i) == '\t')) {
                i++;
            }
            int nameStart = i;
            while (i < n && isTchar(value.charAt(i))) {
                i++;
            }
            String name = value.substring(nameStart, i).toLowerCase(Locale.ROOT);
            while (i < n && (value.charAt(i) == ' ' || value.charAt(i) == '\t')) {
                i++;
            }
            String argument = null;
            boolean malformed = name.isEmpty();
            if (i < n && value.charAt(i) == '=') {
                i++;
                while (i < n && (value.charAt(i) == ' ' || value.charAt(i) == '\t')) {
                    i++;
                }
                if (i < n && value.charAt(i) == '"') {
                    StringBuilder quoted = new StringBuilder();
                    i++;
                    boolean closed = false;
                    while (i < n) {
                        char c = value.charAt(i++);
                        if (c == '\\' && i < n) {
                            quoted.append(value.charAt(i++));
                        } else if (c == '"') {
                            closed = true;
                            break;
                        } else {
                            quoted.append(c);
                        }
                    }
                    argument = quoted.toString();
                    malformed |= !closed;
                } else {
                    int argStart = i;
                    while (i < n && isTchar(value.charAt(i))) {
                        i++;
                    }
                    argument = value.substring(argStart, i);
                }
                while (i < n && (value.charAt(i) == ' ' || value.charAt(i) == '\t')) {
                    i++;
                }
            }
            if (i < n && value.charAt(i) != ',') {
                malformed = true;
                i = skipToComma(value, i);
            }
            if (!name.isEmpty() && !into.containsKey(name)) {
                into.put(name, malformed ? "" : argument);
            }
        }
    }

    private static int skipToComma(String value, int from) {
        boolean quoted = false;
        int i = from;
        while (i < value.length()) {
            char c = value.charAt(i);
            if (c == '"') {
                quoted = !quoted;
            } else if (c == ',' && !quoted) {
                return i;
            }
            i++;
        }
        return i;
    }

    private static boolean isTchar(char c) {
        return c > 0x20 && c < 0x7f && "\"(),/:;<=>?@[\\]{}".indexOf(c) < 0;
    }

    @Override
    public String toString() {
        return directives.toString();
    }
}
