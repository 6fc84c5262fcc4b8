package dev.ferry.cache;

import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * {@code CDN-Cache-Control} (RFC 9213): cache directives in a Structured Field Dictionary
 * (RFC 8941 §3.2). Parsed strictly; a field that is not a valid dictionary, or whose known
 * directives have the wrong type ({@code max-age="10000"}), is ignored as a whole (RFC 9213 §2.1),
 * so {@code Cache-Control} applies instead.
 */
final class TargetedCacheControl {

    /** Directives whose value must be an Integer (delta-seconds). */
    private static final Set<String> INTEGER_DIRECTIVES =
            Set.of("max-age", "s-maxage", "stale-while-revalidate", "stale-if-error");

    private TargetedCacheControl() {
    }

    /** The directives of the joined field lines, or null when the field is invalid. */
    static CacheControl parse(List<String> lines) {
        String value = String.join(",", lines);
        Parser parser = new Parser(value);
        Map<String, String> directives = parser.dictionary();
        if (directives == null) {
            return null;
        }
        for (String name : INTEGER_DIRECTIVES) {
            String argument = directives.get(name);
            if (directives.containsKey(name) && (argument == null || !argument.matches("[0-9]+"))) {
                return null;
            }
        }
        Map<String, String> plain = new HashMap<>();
        directives.forEach((name, argument) -> plain.put(name, argument == null ? null
                : argument.replace("string:", "").replace("decimal:", "")));
        return CacheControl.of(plain);
    }

    /** A recursive-descent reader of one dictionary; every method returns null on a syntax error. */
    private static final class Parser {
        private final String s;
        private int i;

        Parser(String s) {
            this.s = s;
        }

        Map<String, String> dictionary() {
            Map<String, String> members = new HashMap<>();
            skipSpaces();
            if (i == s.length()) {
                return members;
            }
            while (true) {
                String key = key();
                if (key == null) {
                    return null;
                }
                String value;
                if (i < s.length() && s.charAt(i) == '=') {
                    i++;
                    value = memberValue();
                    if (value == null) {
                        return null;
                    }
                } else {
                    value = null;
                    if (!parameters()) {
                        return null;
                    }
                }
                // RFC 8941 §4.2.2: a later member with the same key overrides an earlier one.
                members.put(key, value);
                skipOws();
                if (i == s.length()) {
                    return members;
                }
                if (s.charAt(i) != ',') {
                    return null;
                }
                i++;
                skipOws();
                if (i == s.length()) {
                    return null;
                }
            }
        }

        /**
     * An item or inner list, as text: an integer's digits, {@code string:} and {@code decimal:}
     * prefixes marking those types (for the type check), a list's items joined by commas.
     */
        private String memberValue() {
            if (i < s.length() && s.charAt(i) == '(') {
                i++;
                StringBuilder joined = new StringBuilder();
                while (true) {
                    skipSpaces();
                    if (i < s.length() && s.charAt(i) == ')') {
                        i++;
                        return parameters() ? joined.toString() : null;
                    }
                    String item = bareItem();
                    if (item == null || !parameters()) {
                        return null;
                    }
                    if (joined.length() > 0) {
                        joined.append(", ");
                    }
                    joined.append(item);
                    if (i >= s.length() || s.charAt(i) != ' ' && s.charAt(i) != ')') {
                        return null;
                    }
                }
            }
            String item = bareItem();
            return item != null && parameters() ? item : null;
        }

        private boolean parameters() {
            while (i < s.length() && s.charAt(i) == ';') {
                i++;
                skipSpaces();
                if (key() == null) {
                    return false;
                }
                if (i < s.length() && s.charAt(i) == '=') {
                    i++;
                    if (bareItem() == null) {
                        return false;
                    }
                }
            }
            return true;
        }

        private String bareItem() {
            if (i >= s.length()) {
                return null;
            }
            char c = s.charAt(i);
            if (c == '-' || c >= '0' && c <= '9') {
                return number();
            }
            if (c == '"') {
                return string();
            }
            if (c == '?') {
                if (i + 1 < s.length() && (s.charAt(i + 1) == '0' || s.charAt(i + 1) == '1')) {
                    i += 2;
                    return s.substring(i - 1, i);
                }
                return null;
            }
            if (c == ':') {
                int end = s.indexOf(':', i + 1);
                if (end < 0) {
                    return null;
                }
                String binary = s.substring(i + 1, end);
                i = end + 1;
                return binary;
            }
            if (Character.isLetter(c) || c == '*') {
                int start = i;
                while (i < s.length() && (isTchar(s.charAt(i)) || s.charAt(i) == ':' || s.charAt(i) == '/')) {
                    i++;
                }
                return s.substring(start, i);
            }
            return null;
        }

        private String number() {
            int start = i;
            if (s.charAt(i) == '-') {
                i++;
            }
            int digitsStart = i;
            while (i < s.length() && Character.isDigit(s.charAt(i))) {
                i++;
            }
            int integerDigits = i - digitsStart;
            if (integerDigits == 0) {
                return null;
            }
            if (i < s.length() && s.charAt(i) == '.') {
                i++;
                int fractionStart = i;
                while (i < s.length() && Character.isDigit(s.charAt(i))) {
                    i++;
                }
                int fraction = i - fractionStart;
                return integerDigits <= 12 && fraction >= 1 && fraction <= 3 ? "decimal:" + s.substring(start, i) : null;
            }
            return integerDigits <= 15 ? s.substring(start, i) : null;
        }

        private String string() {
            StringBuilder value = new StringBuilder();
            i++;
            while (i < s.length()) {
                char c = s.charAt(i++);
                if (c == '\\') {
                    if (i >= s.length() || s.charAt(i) != '"' && s.charAt(i) != '\\') {
                        return null;
                    }
                    value.append(s.charAt(i++));
                } else if (c == '"') {
                    return "string:" + value;
                } else if (c < 0x20 || c > 0x7e) {
                    return null;
                } else {
                    value.append(c);
                }
            }
            return null;
        }

        private String key() {
            if (i >= s.length()) {
                return null;
            }
            char first = s.charAt(i);
            if (!(first >= 'a' && first <= 'z' || first == '*')) {
                return null;
            }
            int start = i;
            while (i < s.length()) {
                char c = s.charAt(i);
                if (c >= 'a' && c <= 'z' || c >= '0' && c <= '9' || c == '_' || c == '-' || c == '.' || c == '*') {
                    i++;
                } else {
                    break;
                }
            }
            return s.substring(start, i);
        }

        private void skipSpaces() {
            while (i < s.length() && s.charAt(i) == ' ') {
                i++;
            }
        }

        private void skipOws() {
            while (i < s.length() && (s.charAt(i) == ' ' || s.charAt(i) == '\t')) {
                i++;
            }
        }

        private static boolean isTchar(char c) {
            return c > 0x20 && c < 0x7f && "\"(),/:;<=>?@[\\]{}".indexOf(c) < 0;
        }
    }
}
