package dev.ferry.config;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

class CidrsTest {

    @ParameterizedTest
    @CsvSource({
        "10.0.0.0/8, 10.0.0.0/8, 8",
        "192.168.1.0/24, 192.168.1.0/24, 24",
        "0.0.0.0/0, 0.0.0.0/0, 0",
        "10.1.2.3, 10.1.2.3/32, 32",
        "::1/128, ::1/128, 128",
        "::1, ::1/128, 128",
        "2001:DB8::/32, 2001:db8::/32, 32",
        "fe80::/10, fe80::/10, 10",
        "::/0, ::/0, 0",
        "::ffff:10.0.0.0/104, ::ffff:10.0.0.0/104, 104",
    })
    void parses(String text, String shown, int prefix) {
        Cidr cidr = Cidrs.parse(text);
        assertThat(cidr).hasToString(shown);
        assertThat(cidr.prefixLength()).isEqualTo(prefix);
    }

    @ParameterizedTest
    @CsvSource(delimiter = '|', value = {
        "10.1.2.3/8      | '10.1.2.3/8': host bits set; did you mean 10.0.0.0/8?",
        "192.168.1.1/24  | did you mean 192.168.1.0/24?",
        "2001:db8::1/32  | did you mean 2001:db8::/32?",
        "10.0.0.0/33     | bad prefix length; expected /0 to /32",
        "::/129          | expected /0 to /128",
        "10.0.0.0/       | bad prefix length",
        "10.0.0.0/x      | bad prefix length",
        "10.0.0.0/-1     | bad prefix length",
        "10.0.0/8        | is not an address block",
        "010.0.0.0/8     | is not an address block",
        "256.0.0.0/8     | is not an address block",
        "localhost       | is not an address block",
        "[::1]/128       | is not an address block",
        "fe80::1%eth0    | is not an address block",
        "::1.2.3.4       | is not an address block",
        "0x7f.0.0.1      | is not an address block",
        "''              | is not an address block",
    })
    void rejects(String text, String message) {
        assertThatThrownBy(() -> Cidrs.parse(text)).isInstanceOf(BadValue.class).hasMessageContaining(message);
    }

    @Test
    void bareAddressesAreSingleAddressBlocks() {
        Cidr v4 = Cidrs.parse("10.1.2.3");
        assertThat(v4.contains(new byte[] {10, 1, 2, 3})).isTrue();
        assertThat(v4.contains(new byte[] {10, 1, 2, 4})).isFalse();
        Cidr v6 = Cidrs.parse("::1");
        assertThat(v6).isEqualTo(new Cidr(new byte[] {0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 1}, 128));
    }
}
