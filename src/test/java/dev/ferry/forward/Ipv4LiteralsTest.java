package dev.ferry.forward;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.junit.jupiter.params.provider.ValueSource;

/** Every IPv4 spelling {@code inet_aton(3)} and browsers accept, and what is not one. */
class Ipv4LiteralsTest {

    @ParameterizedTest(name = "{0} = {1}")
    @CsvSource({
        "127.0.0.1,        127.0.0.1",
        "127.1,            127.0.0.1",
        "127.0.1,          127.0.0.1",
        "2130706433,       127.0.0.1",
        "0x7f000001,       127.0.0.1",
        "0X7F000001,       127.0.0.1",
        "0x7f.0.0.1,       127.0.0.1",
        "0x7F.0x0.0x0.0x1, 127.0.0.1",
        "0177.0.0.1,       127.0.0.1",
        "0177.0.0.01,      127.0.0.1",
        "017700000001,     127.0.0.1",
        "0x7f.1,           127.0.0.1",
        "0177.1,           127.0.0.1",
        "0,                0.0.0.0",
        "0x0,              0.0.0.0",
        "00,               0.0.0.0",
        "0x,               0.0.0.0",
        "169.254.169.254,  169.254.169.254",
        "0xa9fea9fe,       169.254.169.254",
        "2852039166,       169.254.169.254",
        "0251.0376.0251.0376, 169.254.169.254",
        "169.254.43518,    169.254.169.254",
        "255.255.255.255,  255.255.255.255",
        "4294967295,       255.255.255.255",
        "0xffffffff,       255.255.255.255",
        "037777777777,     255.255.255.255",
        "1.2.3,            1.2.0.3",
        "1.2.65535,        1.2.255.255",
        "1.16777215,       1.255.255.255",
        "10.0.0.1,         10.0.0.1",
        "192.168.0.010,    192.168.0.8",
    })
    void parsesEverySpelling(String literal, String dotted) {
        assertThat(Ipv4Literals.parse(literal)).isEqualTo(bytes(dotted));
    }

    @ParameterizedTest(name = "[{0}]")
    @ValueSource(strings = {
        "", ".", "..", "1.", "1..2", ".1", "1.2.3.4.5", "1.2.3.4.",
        "256.0.0.1", "1.256.0.1", "1.2.256.1", "1.2.3.256",
        "1.2.65536", "1.16777216", "4294967296", "0x100000000", "040000000000", "99999999999",
        "08", "09.1.1.1", "0x1g", "0xg", "1e3", "-1", "+1", "1.2.3.-4", "1 .2.3.4", "a.b.c.d", "localhost",
        "0x7f.0.0.0x100",
    })
    void refusesWhatIsNotAnAddress(String literal) {
        assertThat(Ipv4Literals.parse(literal)).isNull();
    }

    @ParameterizedTest(name = "{0}")
    @ValueSource(strings = {"1.2.3.4", "127.1", "0", "2130706433", "0x7f000001", "foo.123", "foo.0x1F", "256.1.1.1",
        "1.2.3.4.5", "example.0x"})
    void aHostEndingInANumberMustBeReadAsAnAddress(String host) {
        assertThat(Ipv4Literals.looksNumeric(host)).isTrue();
    }

    @ParameterizedTest(name = "{0}")
    @ValueSource(strings = {"example.com", "localhost", "1.2.3.4a", "foo.0x1g", "123.example", "1.2.3.", "0x1.com"})
    void aHostEndingInALabelIsAName(String host) {
        assertThat(Ipv4Literals.looksNumeric(host)).isFalse();
    }

    private static byte[] bytes(String dotted) {
        String[] parts = dotted.split("\\.");
        byte[] bytes = new byte[4];
        for (int i = 0; i < 4; i++) {
            bytes[i] = (byte) Integer.parseInt(parts[i]);
        }
        return bytes;
    }
}
