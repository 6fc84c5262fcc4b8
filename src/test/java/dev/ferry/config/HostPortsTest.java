package dev.ferry.config;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

class HostPortsTest {

    @ParameterizedTest
    @CsvSource({
        "127.0.0.1:8080, 127.0.0.1, 8080",
        "[::1]:8080, ::1, 8080",
        "[2001:DB8::1]:443, 2001:db8::1, 443",
        "name.example:443, name.example, 443",
        "API.Internal:443, api.internal, 443",
        "localhost:65535, localhost, 65535",
        "0.0.0.0:1, 0.0.0.0, 1",
        "a-b.c1:80, a-b.c1, 80",
    })
    void parses(String text, String host, int port) {
        assertThat(HostPorts.parse(text, 1)).isEqualTo(new HostPort(host, port));
    }

    @ParameterizedTest
    @CsvSource({"127.0.0.1:0, 0", "[::]:0, 0"})
    void portZeroOnlyWhereAllowed(String text, int port) {
        assertThat(HostPorts.parse(text, 0).port()).isEqualTo(port);
        assertThatThrownBy(() -> HostPorts.parse(text, 1))
                .hasMessage("must be a port between 1 and 65535, got 0");
    }

    @ParameterizedTest
    @CsvSource(delimiter = '|', value = {
        "127.0.0.1:70000   | must be a port between 1 and 65535, got 70000",
        "127.0.0.1:999999  | '999999' is not a port number",
        "127.0.0.1:http    | 'http' is not a port number",
        "127.0.0.1:        | the port is missing",
        "127.0.0.1         | '127.0.0.1' needs a port",
        "::1:8080          | an IPv6 address must be in brackets",
        "[::1]             | '[::1]' needs a port",
        "[::1]8080         | needs a port",
        "[::1:8080         | no closing ']'",
        "[1.2.3.4]:80      | is not an IPv6 address",
        "[fe80::1%eth0]:80 | is not an IPv6 address",
        ":8080             | has no host; write 0.0.0.0:8080 or [::]:8080",
        "1.2.3:80          | '1.2.3' is not a valid IPv4 address",
        "01.2.3.4:80       | is not a valid IPv4 address",
        "bad_host:80       | 'bad_host' is not a valid host name",
        "-bad.example:80   | is not a valid host name",
        "a..b:80           | is not a valid host name",
        "host.:80          | is not a valid host name",
    })
    void rejects(String text, String message) {
        assertThatThrownBy(() -> HostPorts.parse(text, 1)).isInstanceOf(BadValue.class).hasMessageContaining(message);
    }
}
