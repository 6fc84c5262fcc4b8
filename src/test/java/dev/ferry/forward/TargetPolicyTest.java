package dev.ferry.forward;

import static org.assertj.core.api.Assertions.assertThat;

import dev.ferry.config.Cidr;
import io.netty.util.NetUtil;
import java.net.Inet6Address;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.NetworkInterface;
import java.net.UnknownHostException;
import java.util.Collections;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * Which addresses the forward proxy may connect to. Pure: nothing here opens a socket, so the
 * private and public addresses below are only ever compared, never reached.
 */
class TargetPolicyTest {

    private static final SelfAddresses NO_LISTENERS = SelfAddresses.of(List.of());
    private static final List<Cidr> PRIVATE = List.of(
            cidr("10.0.0.0", 8), cidr("172.16.0.0", 12), cidr("192.168.0.0", 16), cidr("fc00::", 7));

    private final TargetPolicy strict = new TargetPolicy(false, List.of(), NO_LISTENERS);
    private final TargetPolicy loopbackAllowed = new TargetPolicy(true, List.of(), NO_LISTENERS);
    private final TargetPolicy denyPrivate = new TargetPolicy(false, PRIVATE, NO_LISTENERS);

    @ParameterizedTest(name = "{0}")
    @ValueSource(strings = {
        "127.0.0.1", "127.255.255.254", "127.0.0.0", "0.0.0.0", "0.1.2.3", "169.254.169.254", "169.254.0.1",
        "::1", "::", "fe80::1", "febf:ffff::1", "::ffff:127.0.0.1", "::ffff:169.254.169.254", "::ffff:0.0.0.0",
        "::127.0.0.1", "64:ff9b::7f00:1", "64:ff9b::a9fe:a9fe",
    })
    void localAddressesAreRefusedByDefault(String address) {
        assertThat(strict.refusal(ip(address), 80)).contains("is not allowed");
        assertThat(loopbackAllowed.refusal(ip(address), 80)).isNull();
    }

    @ParameterizedTest(name = "{0}")
    @ValueSource(strings = {
        "93.184.216.34", "1.1.1.1", "128.0.0.1", "126.255.255.255", "169.253.255.255", "169.255.0.1",
        "2606:2800:220:1::1", "fec0::1", "fe00::1", "::ffff:93.184.216.34", "64:ff9b::5db8:d822",
        "10.0.0.1", "172.16.0.1", "192.168.1.1", "fd00::1",
    })
    void otherAddressesAreAllowedByDefault(String address) {
        assertThat(strict.refusal(ip(address), 443)).isNull();
    }

    @ParameterizedTest(name = "{0}")
    @ValueSource(strings = {
        "10.0.0.0", "10.1.2.3", "10.255.255.255", "172.16.0.1", "172.20.10.10", "172.31.255.255",
        "192.168.0.1", "192.168.255.255", "fc00::1", "fd12:3456:789a::1", "fdff:ffff::1",
        "::ffff:10.1.2.3", "::ffff:192.168.1.1", "64:ff9b::a01:203", "::10.1.2.3",
    })
    void denyTargetsRefuseThePrivateRanges(String address) {
        assertThat(denyPrivate.refusal(ip(address), 80)).contains("is denied");
    }

    @ParameterizedTest(name = "{0}")
    @ValueSource(strings = {
        "9.255.255.255", "11.0.0.0", "172.15.255.255", "172.32.0.0", "192.167.255.255", "192.169.0.0",
        "fbff:ffff::1", "fe00::1", "2001:db8::1", "8.8.8.8",
    })
    void denyTargetsLeaveTheNeighboursAlone(String address) {
        assertThat(denyPrivate.refusal(ip(address), 80)).isNull();
    }

    @Test
    void denyTargetsApplyEvenWhenLoopbackIsAllowed() {
        TargetPolicy policy = new TargetPolicy(true, List.of(cidr("127.0.0.0", 8), cidr("::1", 128)), NO_LISTENERS);
        assertThat(policy.refusal(ip("127.0.0.1"), 80)).contains("is denied");
        assertThat(policy.refusal(ip("::1"), 80)).contains("is denied");
        assertThat(policy.refusal(ip("0.0.0.0"), 80)).isNull();
    }

    @Test
    void ferryItselfIsRefusedWhateverTheConfig() {
        SelfAddresses self = SelfAddresses.of(List.of(new InetSocketAddress(ip("127.0.0.1"), 8080)));
        TargetPolicy policy = new TargetPolicy(true, List.of(), self);

        assertThat(policy.refusal(ip("127.0.0.1"), 8080)).contains("Ferry itself");
        assertThat(policy.refusal(ip("::ffff:127.0.0.1"), 8080)).contains("Ferry itself");
        assertThat(policy.refusal(ip("0.0.0.0"), 8080)).as("0.0.0.0 reaches this host").contains("Ferry itself");
        assertThat(policy.refusal(ip("::"), 8080)).contains("Ferry itself");
        assertThat(policy.refusal(ip("127.0.0.1"), 8081)).isNull();
        // 127.0.0.2 is loopback but not where this listener is bound.
        assertThat(policy.refusal(ip("127.0.0.2"), 8080)).isNull();
        assertThat(policy.refusal(ip("0.0.0.0"), 8081)).isNull();
    }

    @Test
    void aWildcardListenerIsEveryLocalAddressOnItsPort() throws Exception {
        SelfAddresses self = SelfAddresses.of(List.of(new InetSocketAddress(ip("0.0.0.0"), 3128)));
        TargetPolicy policy = new TargetPolicy(true, List.of(), self);

        assertThat(policy.refusal(ip("127.0.0.1"), 3128)).contains("Ferry itself");
        assertThat(policy.refusal(ip("127.0.0.53"), 3128)).contains("Ferry itself");
        assertThat(policy.refusal(ip("::1"), 3128)).contains("Ferry itself");
        assertThat(policy.refusal(ip("0.0.0.0"), 3128)).contains("Ferry itself");
        for (NetworkInterface nic : Collections.list(NetworkInterface.getNetworkInterfaces())) {
            for (InetAddress local : Collections.list(nic.getInetAddresses())) {
                assertThat(policy.refusal(local, 3128)).as(local.toString()).contains("Ferry itself");
            }
        }
        assertThat(policy.refusal(ip("93.184.216.34"), 3128)).isNull();
        assertThat(policy.refusal(ip("127.0.0.1"), 3129)).isNull();
    }

    @Test
    void ferryItselfIsRefusedBeforeTheLocalRule() {
        SelfAddresses self = SelfAddresses.of(List.of(new InetSocketAddress(ip("127.0.0.1"), 8080)));
        assertThat(new TargetPolicy(false, List.of(), self).refusal(ip("127.0.0.1"), 8080)).contains("Ferry itself");
    }

    @Test
    void embeddedIpv4IsFoundInMappedCompatibleAndNat64Forms() {
        assertThat(TargetPolicy.embeddedIpv4(v6("::ffff:10.1.2.3"))).containsExactly(10, 1, 2, 3);
        assertThat(TargetPolicy.embeddedIpv4(v6("::10.1.2.3"))).containsExactly(10, 1, 2, 3);
        assertThat(TargetPolicy.embeddedIpv4(v6("64:ff9b::a01:203"))).containsExactly(10, 1, 2, 3);
        assertThat(TargetPolicy.embeddedIpv4(v6("::1"))).as("loopback is not IPv4-compatible").isNull();
        assertThat(TargetPolicy.embeddedIpv4(v6("::"))).isNull();
        assertThat(TargetPolicy.embeddedIpv4(v6("2001:db8::a01:203"))).isNull();
        assertThat(TargetPolicy.embeddedIpv4(v6("64:ff9b:1::a01:203"))).as("local-use NAT64 prefix").isNull();
    }

    /** An address as the resolver would hand it over; IPv6 stays IPv6 unless it is IPv4-mapped. */
    private static InetAddress ip(String text) {
        byte[] bytes = NetUtil.createByteArrayFromIpAddressString(text);
        try {
            return bytes.length == 16 ? inet6OrMapped(bytes) : InetAddress.getByAddress(bytes);
        } catch (UnknownHostException e) {
            throw new IllegalArgumentException(text, e);
        }
    }

    private static InetAddress inet6OrMapped(byte[] bytes) throws UnknownHostException {
        // InetAddress.getByAddress turns ::ffff:a.b.c.d into an Inet4Address, as Ferry's lookup does.
        InetAddress address = InetAddress.getByAddress(bytes);
        return address instanceof Inet6Address ? Inet6Address.getByAddress(null, bytes, -1) : address;
    }

    private static byte[] v6(String text) {
        return NetUtil.createByteArrayFromIpAddressString(text);
    }

    private static Cidr cidr(String network, int prefix) {
        return new Cidr(NetUtil.createByteArrayFromIpAddressString(network), prefix);
    }
}
