package dev.ferry.config;

import java.util.regex.Pattern;

/**
 * Parses address blocks: {@code 10.0.0.0/8}, {@code ::1/128}, or a bare address (a single-address
 * block). Bits past the prefix must be zero, because {@code 10.1.2.3/8} is usually a typo for
 * either {@code 10.0.0.0/8} or {@code 10.1.2.3/32}.
 */
final class Cidrs {

    private static final Pattern PREFIX = Pattern.compile("[0-9]{1,3}");

    private Cidrs() {
    }

    static Cidr parse(String text) {
        String s = text.strip();
        int slash = s.indexOf('/');
        String address = slash < 0 ? s : s.substring(0, slash);
        byte[] bytes = IpLiterals.parse(address);
        if (bytes == null) {
            throw new BadValue("'" + text + "' is not an address block; expected an IPv4 or IPv6 address with an "
                    + "optional prefix length, e.g. 10.0.0.0/8 or ::1/128");
        }
        int bits = bytes.length * 8;
        int prefix = bits;
        if (slash >= 0) {
            String digits = s.substring(slash + 1);
            prefix = PREFIX.matcher(digits).matches() ? Integer.parseInt(digits) : -1;
            if (prefix < 0 || prefix > bits) {
                throw new BadValue("'" + text + "' has a bad prefix length; expected /0 to /" + bits);
            }
        }
        byte[] network = masked(bytes, prefix);
        Cidr cidr = new Cidr(network, prefix);
        if (!java.util.Arrays.equals(network, bytes)) {
            throw new BadValue("'" + text + "': host bits set; did you mean " + cidr + "?");
        }
        return cidr;
    }

    private static byte[] masked(byte[] address, int prefix) {
        byte[] network = address.clone();
        for (int i = 0; i < network.length; i++) {
            int keep = Math.max(0, Math.min(8, prefix - i * 8));
            network[i] &= (byte) (0xFF00 >> keep);
        }
        return network;
    }
}
