package dev.ferry.config;

import java.math.BigInteger;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/** Parses byte sizes: a plain integer is bytes; {@code B}, {@code KiB}..{@code GiB}, {@code KB}..{@code GB}. */
final class Sizes {

    private static final Map<String, Long> UNITS = Map.of(
            "", 1L, "B", 1L,
            "KiB", 1L << 10, "MiB", 1L << 20, "GiB", 1L << 30,
            "KB", 1_000L, "MB", 1_000_000L, "GB", 1_000_000_000L);
    private static final Pattern SIZE = Pattern.compile("([0-9]+)\\s*([A-Za-z]*)");
    private static final String EXPECTED = "expected bytes or a size with a unit (B, KiB, MiB, GiB, KB, MB or GB), e.g. 64KiB";

    private Sizes() {
    }

    static long parse(String text) {
        String s = text.strip();
        if (s.startsWith("-")) {
            throw new BadValue("'" + text + "' must not be negative");
        }
        Matcher m = SIZE.matcher(s);
        if (!m.matches()) {
            throw new BadValue("'" + text + "' is not a size; " + EXPECTED);
        }
        Long unit = UNITS.get(m.group(2));
        if (unit == null) {
            throw new BadValue("'" + text + "' has an unknown unit '" + m.group(2) + "'; " + EXPECTED);
        }
        return bytes(new BigInteger(m.group(1)), unit, text);
    }

    /** An integer written without quotes in YAML or JSON is a number of bytes. */
    static long of(BigInteger bytes, String text) {
        if (bytes.signum() < 0) {
            throw new BadValue("'" + text + "' must not be negative");
        }
        return bytes(bytes, 1, text);
    }

    private static long bytes(BigInteger number, long unit, String text) {
        BigInteger total = number.multiply(BigInteger.valueOf(unit));
        if (total.bitLength() > 62) {
            throw new BadValue("'" + text + "' is too large a size");
        }
        return total.longValue();
    }

    /** {@code 16KiB} when exact, else bytes: for messages. */
    static String format(long bytes) {
        for (String unit : new String[] {"GiB", "MiB", "KiB"}) {
            long size = UNITS.get(unit);
            if (bytes >= size && bytes % size == 0) {
                return bytes / size + unit;
            }
        }
        return bytes + "B";
    }
}
