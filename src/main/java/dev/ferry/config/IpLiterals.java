package dev.ferry.config;

import io.netty.util.NetUtil;
import java.util.Locale;
import java.util.regex.Pattern;

/**
 * Strict IP literal parsing without any DNS lookup. Netty's parser is lenient (leading zeros,
 * brackets, zone ids, IPv4-compatible forms that it silently maps); this class accepts only plain
 * dotted-quad IPv4 and plain IPv6 before handing the text to it.
 */
final class IpLiterals {

    private static final String OCTET = "(25[0-5]|2[0-4][0-9]|1[0-9][0-9]|[1-9]?[0-9])";
    private static final Pattern IPV4 = Pattern.compile(OCTET + "(\\." + OCTET + "){3}");
    private static final Pattern IPV6_CHARS = Pattern.compile("[0-9a-fA-F:.]+");
    /** The only IPv6 forms with an embedded IPv4 address that are kept as written: IPv4-mapped. */
    private static final Pattern IPV4_MAPPED = Pattern.compile("(::ffff:|(0{1,4}:){5}ffff:)(.*)");

    private IpLiterals() {
    }

    /** The 4 or 16 bytes of the address, or null when the text is not a strict IP literal. */
    static byte[] parse(String text) {
        if (IPV4.matcher(text).matches()) {
            return NetUtil.createByteArrayFromIpAddressString(text);
        }
        return parseIpv6(text);
    }

    /** The 16 bytes of a plain IPv6 literal (no brackets, no zone), or null. */
    static byte[] parseIpv6(String text) {
        if (text.indexOf(':') < 0 || !IPV6_CHARS.matcher(text).matches()) {
            return null;
        }
        if (text.indexOf('.') >= 0) {
            var mapped = IPV4_MAPPED.matcher(text.toLowerCase(Locale.ROOT));
            if (!mapped.matches() || !IPV4.matcher(mapped.group(3)).matches()) {
                return null;
            }
        }
        if (!NetUtil.isValidIpV6Address(text)) {
            return null;
        }
        byte[] bytes = NetUtil.createByteArrayFromIpAddressString(text);
        return bytes != null && bytes.length == 16 ? bytes : null;
    }

    /** Whether the text looks like an attempt at IPv4 (only digits and dots), valid or not. */
    static boolean looksLikeIpv4(String text) {
        return !text.isEmpty() && text.chars().allMatch(c -> c == '.' || (c >= '0' && c <= '9'));
    }

    static boolean isIpv4(String text) {
        return IPV4.matcher(text).matches();
    }
}
