package dev.ferry.forward;

import dev.ferry.config.Cidr;
import java.net.InetAddress;
import java.util.Arrays;
import java.util.List;

/**
 * Which target addresses the forward proxy may connect to. Refused unless
 * {@code allow_loopback_targets}: loopback, unspecified ({@code 0.0.0.0} reaches the local host),
 * link-local (cloud metadata lives at 169.254.169.254), and the IPv4-mapped, IPv4-compatible and
 * NAT64 IPv6 forms of those. Always refused: Ferry's own listeners and {@code deny_targets}.
 * Decided on the resolved address that Ferry then connects to, so a DNS answer cannot change
 * between check and use.
 */
final class TargetPolicy {

    private static final List<Cidr> LOCAL_V4 = List.of(
            cidr(new byte[] {127, 0, 0, 0}, 8),
            cidr(new byte[] {0, 0, 0, 0}, 8),
            cidr(new byte[] {(byte) 169, (byte) 254, 0, 0}, 16));
    private static final List<Cidr> LOCAL_V6 = List.of(
            cidr(new byte[16], 127),                                      // :: and ::1
            cidr(new byte[] {(byte) 0xfe, (byte) 0x80, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0}, 10));
    private static final byte[] NAT64_PREFIX = {0, 0x64, (byte) 0xff, (byte) 0x9b, 0, 0, 0, 0, 0, 0, 0, 0};

    private final boolean allowLocal;
    private final List<Cidr> deny;
    private final SelfAddresses self;

    TargetPolicy(boolean allowLocal, List<Cidr> deny, SelfAddresses self) {
        this.allowLocal = allowLocal;
        this.deny = deny;
        this.self = self;
    }

    /** Null when the proxy may connect to {@code address:port}, else the reason it may not. */
    String refusal(InetAddress address, int port) {
        if (self.contains(address, port)) {
            return "refusing to proxy to Ferry itself";
        }
        byte[] raw = address.getAddress();
        byte[] v4 = raw.length == 4 ? raw : embeddedIpv4(raw);
        if (!allowLocal && (matches(LOCAL_V4, v4) || raw.length == 16 && matches(LOCAL_V6, raw))) {
            return "target address " + address.getHostAddress() + " is not allowed";
        }
        if (matches(deny, raw) || matches(deny, v4)) {
            return "target address " + address.getHostAddress() + " is denied";
        }
        return null;
    }

    /** The IPv4 address inside an IPv4-mapped, IPv4-compatible or NAT64 IPv6 address, else null. */
    static byte[] embeddedIpv4(byte[] v6) {
        boolean zeros = true;
        for (int i = 0; i < 10; i++) {
            zeros &= v6[i] == 0;
        }
        boolean mapped = zeros && v6[10] == (byte) 0xff && v6[11] == (byte) 0xff;
        boolean compatible = zeros && v6[10] == 0 && v6[11] == 0 && (v6[12] | v6[13] | v6[14]) != 0;
        boolean nat64 = Arrays.equals(v6, 0, 12, NAT64_PREFIX, 0, 12);
        return mapped || compatible || nat64 ? Arrays.copyOfRange(v6, 12, 16) : null;
    }

    private static boolean matches(List<Cidr> blocks, byte[] address) {
        if (address == null) {
            return false;
        }
        for (Cidr block : blocks) {
            if (block.contains(address)) {
                return true;
            }
        }
        return false;
    }

    private static Cidr cidr(byte[] network, int prefix) {
        return new Cidr(network, prefix);
    }
}
