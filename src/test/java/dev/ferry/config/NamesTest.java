package dev.ferry.config;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.junit.jupiter.params.provider.ValueSource;

class NamesTest {

    @ParameterizedTest
    @ValueSource(strings = {"edge", "api-v1", "a.b_c", "X9"})
    void acceptsNames(String name) {
        assertThat(Names.name(name)).isEqualTo(name);
    }

    @ParameterizedTest
    @ValueSource(strings = {"", "my api", "a/b", "é", "a:b"})
    void rejectsNames(String name) {
        assertThatThrownBy(() -> Names.name(name)).isInstanceOf(BadValue.class)
                .hasMessageContaining("is not a valid name; use letters, digits, '_', '.' and '-'");
    }

    @ParameterizedTest
    @CsvSource({
        "api.example.com, api.example.com",
        "API.Example.COM, api.example.com",
        "*.example.com, *.example.com",
        "10.0.0.1, 10.0.0.1",
        "[::1], [::1]",
        "localhost, localhost",
    })
    void routeHosts(String text, String host) {
        assertThat(Names.routeHost(text)).isEqualTo(host);
    }

    @ParameterizedTest
    @CsvSource(delimiter = '|', value = {
        "api.example.com:8080 | must not include a port",
        "[::1]:8080           | must not include a port",
        "::1                  | must be in brackets",
        "*                    | not a valid host name",
        "*.                   | not a valid wildcard host",
        "a.*.example.com      | not a valid host name",
        "bad_host             | not a valid host name",
    })
    void rejectsRouteHosts(String text, String message) {
        assertThatThrownBy(() -> Names.routeHost(text)).isInstanceOf(BadValue.class).hasMessageContaining(message);
    }

    @ParameterizedTest
    @CsvSource({
        "api.internal, api.internal",
        "API.internal:8443, api.internal:8443",
        "[::1], [::1]",
        "[::1]:80, [::1]:80",
        "10.0.0.1:80, 10.0.0.1:80",
    })
    void hostHeaders(String text, String host) {
        assertThat(Names.hostHeader(text)).isEqualTo(host);
    }

    @ParameterizedTest
    @CsvSource(delimiter = '|', value = {
        "api:0        | must be a port between 1 and 65535",
        "api:x        | 'x' is not a port number",
        "::1          | must be in brackets",
        "[::1         | is not a valid host",
        "bad host     | not a valid host name",
    })
    void rejectsHostHeaders(String text, String message) {
        assertThatThrownBy(() -> Names.hostHeader(text)).isInstanceOf(BadValue.class).hasMessageContaining(message);
    }

    @ParameterizedTest
    @CsvSource({"GET, GET", "post, POST", "PURGE, PURGE"})
    void methods(String text, String method) {
        assertThat(RouteBinder.method(text)).isEqualTo(method);
    }

    @ParameterizedTest
    @ValueSource(strings = {"GE T", "GET/", ""})
    void rejectsMethods(String text) {
        assertThatThrownBy(() -> RouteBinder.method(text)).hasMessageContaining("is not a valid method name");
    }

    @ParameterizedTest
    @CsvSource(delimiter = '|', value = {
        "v1      | must start with '/', got 'v1'",
        "/a b    | must not contain spaces",
        "/a?b=1  | '?' or '#'",
    })
    void rejectsPathPrefixes(String text, String message) {
        assertThatThrownBy(() -> RouteBinder.pathPrefix(text)).hasMessageContaining(message);
    }

    @ParameterizedTest
    @CsvSource(delimiter = '|', value = {
        "client_ip       | client_ip",
        "header:X-User   | header:x-user",
        "cookie:Session  | cookie:Session",
    })
    void hashKeys(String text, String shown) {
        assertThat(UpstreamBinder.hashKey(text)).hasToString(shown);
    }

    @ParameterizedTest
    @CsvSource(delimiter = '|', value = {
        "ip              | 'ip' is not a hash key; expected client_ip, header:NAME or cookie:NAME",
        "header:         | needs a header name",
        "query:x         | is not a hash key",
        "header:a b      | 'a b' is not a valid header name",
    })
    void rejectsHashKeys(String text, String message) {
        assertThatThrownBy(() -> UpstreamBinder.hashKey(text)).hasMessageContaining(message);
    }

    @ParameterizedTest
    @ValueSource(strings = {"ferry", "ferry/1.0", "my-proxy.example:8080"})
    void viaPseudonyms(String text) {
        assertThat(ConfigBinder.via(text)).isEqualTo(text);
    }

    @ParameterizedTest
    @ValueSource(strings = {"my proxy", "a,b", "", "café"})
    void rejectsViaPseudonyms(String text) {
        assertThatThrownBy(() -> ConfigBinder.via(text)).hasMessageContaining("visible ASCII");
    }
}
