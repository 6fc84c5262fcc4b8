package dev.ferry.forward;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.junit.jupiter.params.provider.ValueSource;

/** Parsing the request target of a forward-proxied request: absolute-form and CONNECT's authority-form. */
class TargetTest {

    @ParameterizedTest(name = "{0}")
    @CsvSource(delimiter = '|', value = {
        // uri                               | host           | port | pathAndQuery | hostHeader
        "http://example.com/a/b?c=d          | example.com    | 80   | /a/b?c=d     | example.com",
        "http://example.com                  | example.com    | 80   | /            | example.com",
        "http://example.com?q=1              | example.com    | 80   | /?q=1        | example.com",
        "http://example.com/                 | example.com    | 80   | /            | example.com",
        "http://Example.COM/Path             | example.com    | 80   | /Path        | example.com",
        "HTTP://example.com/                 | example.com    | 80   | /            | example.com",
        "http://example.com./                | example.com    | 80   | /            | example.com",
        "http://example.com:80/              | example.com    | 80   | /            | example.com",
        "http://example.com:/                | example.com    | 80   | /            | example.com",
        "http://example.com:8080/x           | example.com    | 8080 | /x           | example.com:8080",
        "http://example.com:08080/x          | example.com    | 8080 | /x           | example.com:8080",
        "http://under_score.example/         | under_score.example | 80 | /        | under_score.example",
        "http://127.0.0.1:8081/echo          | 127.0.0.1      | 8081 | /echo        | 127.0.0.1:8081",
        "http://127.1/                       | 127.0.0.1      | 80   | /            | 127.0.0.1",
        "http://0x7f000001:81/               | 127.0.0.1      | 81   | /            | 127.0.0.1:81",
        "http://1.2.3.4./                    | 1.2.3.4        | 80   | /            | 1.2.3.4",
        "http://[::1]/                       | ::1            | 80   | /            | [::1]",
        "http://[::1]:8080/x?y               | ::1            | 8080 | /x?y         | [::1]:8080",
        "http://[::1]:/                      | ::1            | 80   | /            | [::1]",
        "http://[0:0:0:0:0:0:0:1]/           | ::1            | 80   | /            | [::1]",
        "http://[2001:DB8::A]/               | 2001:db8::a    | 80   | /            | [2001:db8::a]",
        "http://example.com/a%20b?x=%2F      | example.com    | 80   | /a%20b?x=%2F | example.com",
        "http://example.com//double          | example.com    | 80   | //double     | example.com",
    })
    void parsesAbsoluteForm(String uri, String host, int port, String pathAndQuery, String hostHeader) {
        Target target = Target.parseAbsolute(uri);

        assertThat(target.host()).isEqualTo(host);
        assertThat(target.port()).isEqualTo(port);
        assertThat(target.pathAndQuery()).isEqualTo(pathAndQuery);
        assertThat(target.hostHeader()).isEqualTo(hostHeader);
    }

    @Test
    void aNameIsNotAnAddressButAnIpLiteralIs() {
        assertThat(Target.parseAbsolute("http://example.com/").isAddress()).isFalse();
        assertThat(Target.parseAbsolute("http://example.com/").address()).isNull();
        assertThat(Target.parseAbsolute("http://127.1/").address()).containsExactly(127, 0, 0, 1);
        assertThat(Target.parseAbsolute("http://[::1]/").address()).hasSize(16).endsWith(1);
        assertThat(Target.parseAbsolute("http://[::1]/").isAddress()).isTrue();
    }

    @Test
    void ipv4MappedIpv6KeepsItsAddress() {
        Target mapped = Target.parseAbsolute("http://[::ffff:127.0.0.1]/");
        assertThat(mapped.isAddress()).isTrue();
        // Whatever the byte form, it must designate 127.0.0.1 so the policy sees loopback.
        assertThat(mapped.address()).endsWith(127, 0, 0, 1);
    }

    @ParameterizedTest(name = "{0}")
    @ValueSource(strings = {
        "https://example.com/", "ftp://example.com/", "example.com/", "/path", "*", "http:/example.com/",
        "http://", "http:///x", "http://:80/", "http://./",
        "http://user@example.com/", "http://user:pass@example.com/", "http://@example.com/",
        "http://example.com:0/", "http://example.com:65536/", "http://example.com:123456/", "http://example.com:-1/",
        "http://example.com:8o/", "http://example.com:80:80/", "http://example.com: 80/",
        "http://[::1/", "http://[::1]x/", "http://[not-v6]/", "http://[127.0.0.1]/",
        "http://[fe80::1%25eth0]/", "http://[fe80::1%eth0]/", "http://[]/",
        "http://256.1.1.1/", "http://1.2.3.4.5/", "http://1.2.3.0x100/", "http://08.1/", "http://foo.123/",
        "http://exa mple/", "http://exa%20mple/", "http://example..com/", "http://.example.com/",
        "http://ex!ample.com/", "http://example.com\\@evil/", "http://ëxample.com/",
        "http://a234567890123456789012345678901234567890123456789012345678901234.com/",
    })
    void refusesInvalidAbsoluteTargets(String uri) {
        assertThatThrownBy(() -> Target.parseAbsolute(uri)).isInstanceOf(Target.InvalidTarget.class);
    }

    @Test
    void aHostNameLongerThan253IsRefused() {
        String label = "a".repeat(63);
        String ok = String.join(".", label, label, label, "a".repeat(61));
        assertThat(ok).hasSize(253);
        assertThat(Target.parseAbsolute("http://" + ok + "/").host()).isEqualTo(ok);
        assertThatThrownBy(() -> Target.parseAbsolute("http://" + ok + "a/"))
                .isInstanceOf(Target.InvalidTarget.class);
    }

    @Test
    void httpsIsRefusedWithAHintToUseConnect() {
        assertThatThrownBy(() -> Target.parseAbsolute("https://example.com/"))
                .isInstanceOf(Target.InvalidTarget.class)
                .hasMessageContaining("CONNECT");
    }

    @ParameterizedTest(name = "{0}")
    @CsvSource(delimiter = '|', value = {
        "example.com:443       | example.com  | 443",
        "EXAMPLE.com.:443      | example.com  | 443",
        "127.0.0.1:8443        | 127.0.0.1    | 8443",
        "2130706433:443        | 127.0.0.1    | 443",
        "[::1]:443             | ::1          | 443",
        "[::ffff:127.0.0.1]:443 | ::ffff:7f00:1 | 443",
        "localhost:1           | localhost    | 1",
        "example.com:65535     | example.com  | 65535",
    })
    void parsesConnectAuthority(String authority, String host, int port) {
        Target target = Target.parseAuthority(authority);

        assertThat(target.port()).isEqualTo(port);
        assertThat(target.host()).isEqualTo(host);
        assertThat(target.pathAndQuery()).isEmpty();
    }

    @ParameterizedTest(name = "{0}")
    @ValueSource(strings = {
        "example.com", "example.com:", "[::1]", "[::1]:", ":443", "example.com:0", "example.com:65536",
        "example.com:https", "example.com:443/", "http://example.com:443", "example.com:443?x",
        "user@example.com:443", "[::1:443", "256.0.0.1:443", "exa mple:443", "[fe80::1%eth0]:443",
    })
    void refusesInvalidConnectAuthorities(String authority) {
        assertThatThrownBy(() -> Target.parseAuthority(authority)).isInstanceOf(Target.InvalidTarget.class);
    }

    @Test
    void hostHeaderLeavesOutOnlyPort80() {
        assertThat(Target.parseAuthority("example.com:443").hostHeader()).isEqualTo("example.com:443");
        assertThat(Target.parseAuthority("example.com:80").hostHeader()).isEqualTo("example.com");
        assertThat(Target.parseAuthority("[::1]:8443").hostHeader()).isEqualTo("[::1]:8443");
    }
}
