package dev.ferry.cache;

import java.time.DateTimeException;
import java.time.LocalDateTime;
import java.time.ZoneOffset;
import java.util.List;
import java.util.Locale;

/**
 * Strict HTTP-date parsing (RFC 9110 §5.6.7): the IMF-fixdate {@code Sun, 06 Nov 1994 08:49:37 GMT},
 * and the obsolete RFC 850 {@code Sunday, 06-Nov-94 08:49:37 GMT} and asctime
 * {@code Sun Nov  6 08:49:37 1994} forms. Names are case-insensitive; the zone must be GMT; a
 * two-digit year more than 50 years in the future is in the past century. Anything else is not a
 * date: an {@code Expires} that is not one means "already expired" (RFC 9111 §5.3), which a lenient
 * parser would quietly turn into a far-future date.
 */
final class HttpDates {

    private static final List<String> DAYS = List.of("mon", "tue", "wed", "thu", "fri", "sat", "sun");
    private static final List<String> LONG_DAYS =
            List.of("monday", "tuesday", "wednesday", "thursday", "friday", "saturday", "sunday");
    private static final List<String> MONTHS =
            List.of("jan", "feb", "mar", "apr", "may", "jun", "jul", "aug", "sep", "oct", "nov", "dec");

    private HttpDates() {
    }

    /** Epoch milliseconds, or {@link Long#MIN_VALUE} when {@code text} is not an HTTP-date. */
    static long parse(String text) {
        String s = text.trim();
        try {
            if (s.length() == 29 && s.charAt(3) == ',') {
                return imfFixdate(s);
            }
            int comma = s.indexOf(',');
            if (comma > 3) {
                return rfc850(s, comma);
            }
            if (s.length() == 24) {
                return asctime(s);
            }
        } catch (RuntimeException e) {
            // Out-of-range fields (31 Feb, hour 25) make it no date at all.
        }
        return Long.MIN_VALUE;
    }

    /** {@code Sun, 06 Nov 1994 08:49:37 GMT}. */
    private static long imfFixdate(String s) {
        require(DAYS.contains(lower(s, 0, 3)) && s.charAt(4) == ' ' && s.charAt(7) == ' ' && s.charAt(11) == ' '
                && s.charAt(16) == ' ' && s.charAt(25) == ' ' && lower(s, 26, 29).equals("gmt"));
        int day = digits(s, 5, 7);
        int month = month(s, 8);
        int year = digits(s, 12, 16);
        return at(year, month, day, s, 17);
    }

    /** {@code Sunday, 06-Nov-94 08:49:37 GMT}. */
    private static long rfc850(String s, int comma) {
        require(LONG_DAYS.contains(lower(s, 0, comma)) && s.length() == comma + 24);
        int i = comma + 1;
        require(s.charAt(i) == ' ' && s.charAt(i + 3) == '-' && s.charAt(i + 7) == '-' && s.charAt(i + 10) == ' '
                && s.charAt(i + 19) == ' ' && lower(s, i + 20, i + 23).equals("gmt"));
        int day = digits(s, i + 1, i + 3);
        int month = month(s, i + 4);
        int twoDigits = digits(s, i + 8, i + 10);
        // RFC 9110 §5.6.7: more than 50 years in the future means the past century.
        int year = 2000 + twoDigits;
        if (year > LocalDateTime.now(ZoneOffset.UTC).getYear() + 50) {
            year -= 100;
        }
        return at(year, month, day, s, i + 11);
    }

    /** {@code Sun Nov  6 08:49:37 1994}. */
    private static long asctime(String s) {
        require(DAYS.contains(lower(s, 0, 3)) && s.charAt(3) == ' ' && s.charAt(7) == ' ' && s.charAt(10) == ' '
                && s.charAt(19) == ' ');
        int month = month(s, 4);
        int day = s.charAt(8) == ' ' ? digits(s, 9, 10) : digits(s, 8, 10);
        int year = digits(s, 20, 24);
        return at(year, month, day, s, 11);
    }

    /** {@code HH:MM:SS} at {@code from}. */
    private static long at(int year, int month, int day, String s, int from) {
        require(s.charAt(from + 2) == ':' && s.charAt(from + 5) == ':');
        int hour = digits(s, from, from + 2);
        int minute = digits(s, from + 3, from + 5);
        int second = digits(s, from + 6, from + 8);
        try {
            return LocalDateTime.of(year, month, day, hour, minute, second).toEpochSecond(ZoneOffset.UTC) * 1000;
        } catch (DateTimeException e) {
            throw new IllegalArgumentException(e);
        }
    }

    private static int month(String s, int from) {
        int index = MONTHS.indexOf(lower(s, from, from + 3));
        require(index >= 0);
        return index + 1;
    }

    private static int digits(String s, int from, int to) {
        int n = 0;
        for (int i = from; i < to; i++) {
            char c = s.charAt(i);
            require(c >= '0' && c <= '9');
            n = n * 10 + (c - '0');
        }
        return n;
    }

    private static String lower(String s, int from, int to) {
        return s.substring(from, to).toLowerCase(Locale.ROOT);
    }

    private static void require(boolean condition) {
        if (!condition) {
            throw new IllegalArgumentException("not an HTTP-date");
        }
    }
}
