package dev.ferry.config;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.catchThrowableOfType;

import java.util.List;
import java.util.Optional;
import org.junit.jupiter.api.Test;

/** The {@code admin} section: defaults, and errors that name the line and the field. */
class AdminConfigTest {

    private static final String LISTENERS = """
            listeners:
              - name: edge
                bind: 127.0.0.1:8080
                forward_proxy: {}
            """;

    private static FerryConfig parse(String admin) throws ConfigException {
        return ConfigLoader.parse(LISTENERS + admin, "ferry.yaml");
    }

    private static List<String> errors(String admin) {
        ConfigException e = catchThrowableOfType(ConfigException.class, () -> parse(admin));
        assertThat(e).as("expected a ConfigException").isNotNull();
        return e.errors().stream().map(ConfigError::toString).toList();
    }

    @Test
    void absentMeansNoAdminListener() throws Exception {
        assertThat(parse("").admin()).isEmpty();
    }

    @Test
    void emptyMeansLoopbackPort9901WithoutToken() throws Exception {
        assertThat(parse("admin: {}\n").admin()).contains(new AdminConfig(new HostPort("127.0.0.1", 9901),
                Optional.empty()));
        assertThat(parse("admin:\n").admin()).contains(AdminConfig.defaults());
    }

    @Test
    void bindAndToken() throws Exception {
        AdminConfig admin = parse("admin: { bind: \"[::1]:0\", token: \"abc-DEF_123.~+/=\" }\n").admin().orElseThrow();
        assertThat(admin.bind()).isEqualTo(new HostPort("::1", 0));
        assertThat(admin.token()).contains("abc-DEF_123.~+/=");
        // A number is read as the text it is written as.
        assertThat(parse("admin: { token: 0123 }\n").admin().orElseThrow().token()).contains("0123");
    }

    @Test
    void unknownKeysAreErrors() {
        assertThat(errors("admin: { bind: 127.0.0.1:9901, tokn: x }\n")).containsExactly(
                "ferry.yaml:5: admin: unknown key 'tokn' (expected one of: bind, token)");
    }

    @Test
    void badValuesNameTheField() {
        assertThat(errors("""
                admin:
                  bind: 127.0.0.1
                  token: ""
                """)).containsExactly(
                "ferry.yaml:6: admin.bind: '127.0.0.1' needs a port; expected host:port, e.g. 127.0.0.1:8080, "
                        + "[::1]:8080 or api.internal:443",
                "ferry.yaml:7: admin.token: must not be empty; leave token out to serve the admin API without one");
        assertThat(errors("admin: { bind: 127.0.0.1:99999, token: \"two words\" }\n")).containsExactly(
                "ferry.yaml:5: admin.bind: must be a port between 0 and 65535, got 99999",
                "ferry.yaml:5: admin.token: must be visible ASCII characters without spaces (it is sent in an "
                        + "Authorization: Bearer header)");
        assertThat(errors("admin: [ 127.0.0.1:9901 ]\n")).containsExactly(
                "ferry.yaml:5: admin: expected a mapping, got a list");
        assertThat(errors("admin: { token: [a] }\n")).containsExactly(
                "ferry.yaml:5: admin.token: expected a token, got a list");
    }

    @Test
    void theAdminListenerCannotShareAListenersAddress() {
        assertThat(errors("admin: { bind: 127.0.0.1:8080 }\n")).containsExactly(
                "ferry.yaml:5: admin.bind: duplicate of listeners[0].bind (127.0.0.1:8080)");
        String onDefaultPort = LISTENERS.replace("127.0.0.1:8080", "127.0.0.1:9901") + "admin: {}\n";
        ConfigException e = catchThrowableOfType(ConfigException.class,
                () -> ConfigLoader.parse(onDefaultPort, "ferry.yaml"));
        assertThat(e.errors()).extracting(ConfigError::toString).containsExactly(
                "ferry.yaml:5: admin: the default admin bind 127.0.0.1:9901 is taken by listeners[0]; set admin.bind");
    }
}
