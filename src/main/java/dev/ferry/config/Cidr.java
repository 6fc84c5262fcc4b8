package dev.ferry.config;

import static java.util.Objects.requireNonNull;

import io.netty.util.NetUtil;
import java.net.Inet6Address;
import java.net.InetAddress;
import java.util.Arrays;

/**
 * An address block such as {@code 10.0.0.0/8} or {@code ::1/128}. An IPv4 block also matches the
 * IPv4-mapped IPv6 form of its addresses ({@code ::ffff:10.1.2.3}), because a dual-stack socket
 * reports IPv4 peers that way.
 */
public record Cidr(byte[] network, int prefixLength) {

    public Cidr {
        requireNonNull(network, "network");
        if (network.length != 4 && network.length != 16) {
            throw new IllegalArgumentException("network must be 4 or 16 bytes");
        }
        if (prefixLength < 0 || prefixLength > network.length * 8) {
            throw new IllegalArgumentException("prefix length out of range: " + prefixLength);
        }
        network = network.clone();
    }

    public static Cidr of(InetAddress address, int prefixLength) {
        return new Cidr(address.getAddress(), prefixLength);
    }

    @Override
    public byte[] network() {
        return network.clone();
    }

    public boolean contains(InetAddress address) {
        return contains(address.getAddress());
    }

    /** Whether the raw address (4 or 16 bytes) lies in this block. */
    public boolean contains(byte[] address) {
        byte[] candidate = address;
        if (network.length == 4 && address.length == 16) {
            candidate = ipv4Mapped(address);
            if (candidate == null) {
                return false;
            }
        } else if (network.length != address.length) {
            return false;
        }
        int fullBytes = prefixLength / 8;
        for (int i = 0; i < fullBytes; i++) {
            if (candidate[i] != network[i]) {
                return false;
            }
        }
        int restBits = prefixLength % 8;
        if (restBits == 0) {
            return true;
        }
        int mask = (0xFF << (8 - restBits)) & 0xFF;
        return (candidate[fullBytes] & mask) == (network[fullBytes] & mask);
    }

    /** The IPv4 address inside an IPv4-mapped IPv6 address ({@code ::ffff:a.b.c.d}), or null. */
    static byte[] ipv4Mapped(byte[] v6) {
        for (int i = 0; i < 10; i++) {
            if (v6[i] != 0) {
                return null;
            }
        }
        if (v6[10] != (byte) 0xFF || v6[11] != (byte) 0xFF) {
            return null;
        }
        return Arrays.copyOfRange(v6, 12, 16);
    }

    @Override
    public boolean equals(Object o) {
        return o instanceof Cidr c && c.prefixLength == prefixLength && Arrays.equals(c.network, network);
    }

    @Override
    public int hashCode() {
        return 31 * Arrays.hashCode(network) + prefixLength;
    }

    /**
     * {@code 10.0.0.0/8}, {@code ::1/128}. IPv6 is written in its short form (RFC 5952), and an
     * IPv4-mapped block stays IPv6 ({@code ::ffff:10.0.0.0/104}): InetAddress would print it as
     * IPv4 with a prefix longer than 32.
     */
    @Override
    public String toString() {
        if (network.length == 4) {
            return NetUtil.bytesToIpAddress(network) + "/" + prefixLength;
        }
        try {
            return NetUtil.toAddressString(Inet6Address.getByAddress(null, network, -1), true) + "/" + prefixLength;
        } catch (java.net.UnknownHostException e) {
            throw new IllegalStateException(e);
        }
    }
}
