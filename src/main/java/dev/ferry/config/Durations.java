package dev.ferry.config;

import java.time.Duration;
import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/** Parses durations: {@code 250ms}, {@code 5s}, {@code 2m}, {@code 1h}, {@code 1d}, {@code 1m30s}. */
final class Durations {

    /** Largest first, the order in which compound durations must be written. */
    private static final List<String> UNITS = List.of("d", "h", "m", "s", "ms");
    private static final long[] MILLIS = {86_400_000L, 3_600_000L, 60_000L, 1_000L, 1L};
    private static final Pattern PART = Pattern.compile("([0-9]+)(ms|s|m|h|d)");
    private static final Pattern BARE_NUMBER = Pattern.compile("[+]?[0-9]+(\\.[0-9]*)?");
    private static final String EXPECTED = "expected a number and a unit (ms, s, m, h or d), e.g. 250ms, 5s or 1m30s";

    private Durations() {
    }

    static Duration parse(String text) {
        String s = text.strip();
        if (s.isEmpty()) {
            throw new BadValue("is empty; " + EXPECTED);
        }
        if (s.startsWith("-")) {
            throw new BadValue("'" + text + "' must not be negative");
        }
        if (BARE_NUMBER.matcher(s).matches()) {
            throw new BadValue("'" + text + "' needs a unit: ms, s, m, h or d");
        }
        Matcher part = PART.matcher(s);
        long millis = 0;
        int position = 0;
        int lastUnit = -1;
        while (position < s.length()) {
            if (!part.find(position) || part.start() != position) {
                throw new BadValue("'" + text + "' is not a duration; " + EXPECTED);
            }
            int unit = UNITS.indexOf(part.group(2));
            if (unit <= lastUnit) {
                throw new BadValue("'" + text + "' is not a duration; write each unit once, largest first, e.g. 1h30m");
            }
            lastUnit = unit;
            try {
                millis = Math.addExact(millis, Math.multiplyExact(Long.parseLong(part.group(1)), MILLIS[unit]));
            } catch (ArithmeticException | NumberFormatException e) {
                throw new BadValue("'" + text + "' is too long a duration");
            }
            position = part.end();
        }
        return Duration.ofMillis(millis);
    }
}
