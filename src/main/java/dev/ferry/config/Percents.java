package dev.ferry.config;

import java.util.regex.Matcher;
import java.util.regex.Pattern;

/** Parses percentages: {@code 20%} or {@code 20}, from 0 to 100. */
final class Percents {

    private static final Pattern PERCENT = Pattern.compile("(-?[0-9]+)\\s*%?");

    private Percents() {
    }

    static int parse(String text) {
        Matcher m = PERCENT.matcher(text.strip());
        if (!m.matches()) {
            throw new BadValue("'" + text + "' is not a percentage; expected a whole number from 0 to 100, e.g. 20%");
        }
        String digits = m.group(1);
        // A long digit string is out of range whatever it says; checking the length avoids overflow.
        int value = digits.length() > 4 ? Integer.MAX_VALUE : Integer.parseInt(digits);
        if (value < 0 || value > 100) {
            throw new BadValue("must be a percentage between 0 and 100, got '" + text + "'");
        }
        return value;
    }
}
