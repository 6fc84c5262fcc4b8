package dev.ferry.forward;

/**
 * Parses IPv4 addresses in every spelling {@code inet_aton(3)} and browsers accept: one to four
 * parts, each decimal, octal (leading {@code 0}) or hex ({@code 0x}); the last part fills the
 * remaining bytes. So {@code 127.1}, {@code 2130706433}, {@code 0x7f000001} and
 * {@code 0177.0.0.1} are all 127.0.0.1. A target policy that only knew dotted quads could be
 * walked around with these.
 */
final class Ipv4Literals {

    private Ipv4Literals() {
    }

    /** True when the host's last label is a number, so it must be read as an IPv4 address (WHATWG URL). */
    static boolean looksNumeric(String host) {
        int start = host.lastIndexOf('.') + 1;
        String last = host.substring(start);
        if (last.isEmpty()) {
            return false;
        }
        if (last.startsWith("0x") || last.startsWith("0X")) {
            return last.substring(2).chars().allMatch(c -> Character.digit(c, 16) >= 0);
        }
        return last.chars().allMatch(c -> c >= '0' && c <= '9');
    }

    /** The 4 address bytes, or null when {@code host} is not a valid IPv4 literal. */
    static byte[] parse(String host) {
        String[] parts = host.split("\\.", -1);
        if (parts.length > 4) {
            return null;
        }
        long[] values = new long[parts.length];
        for (int i = 0; i < parts.length; i++) {
            values[i] = parsePart(parts[i]);
            if (values[i] < 0) {
                return null;
            }
        }
        long address = 0;
        for (int i = 0; i < parts.length - 1; i++) {
            if (values[i] > 255) {
                return null;
            }
            address |= values[i] << (8 * (3 - i));
        }
        long last = values[parts.length - 1];
        if (last >= 1L << (8 * (5 - parts.length))) {
            return null;
        }
        address |= last;
        return new byte[] {(byte) (address >>> 24), (byte) (address >>> 16), (byte) (address >>> 8), (byte) address};
    }

    private static long parsePart(String part) {
        if (part.isEmpty()) {
            return -1;
        }
        int radix = 10;
        String digits = part;
        if (part.length() > 1 && (part.startsWith("0x") || part.startsWith("0X"))) {
            radix = 16;
            digits = part.substring(2);
            if (digits.isEmpty()) {
                return 0;
            }
        } else if (part.length() > 1 && part.charAt(0) == '0') {
            radix = 8;
            digits = part.substring(1);
        }
        if (digits.length() > 11) {
            return -1;
        }
        long value = 0;
        for (int i = 0; i < digits.length(); i++) {
            int d = Character.digit(digits.charAt(i), radix);
            if (d < 0) {
                return -1;
            }
            value = value * radix + d;
        }
        return value > 0xFFFFFFFFL ? -1 : value;
    }
}
