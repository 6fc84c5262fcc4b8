package dev.ferry.admin;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Duration;
import org.junit.jupiter.api.Test;

/** How the running config is written for {@code /api/config}: durations as in the file, secrets out of URIs. */
class ConfigJsonTest {

    @Test
    void passwordsInUrisAreRedacted() {
        assertThat(ConfigJson.redactUri("redis://:secret@10.0.0.1:6379/0")).isEqualTo("redis://:***@10.0.0.1:6379/0");
        assertThat(ConfigJson.redactUri("rediss://ferry:secret@cache:6380")).isEqualTo("rediss://ferry:***@cache:6380");
        // Redis reads a lone user-info as the password.
        assertThat(ConfigJson.redactUri("redis://secret@cache:6379")).isEqualTo("redis://***@cache:6379");
        assertThat(ConfigJson.redactUri("redis-sentinel://:pw@s1:26379,s2:26379/0#mymaster"))
                .isEqualTo("redis-sentinel://:***@s1:26379,s2:26379/0#mymaster");
        assertThat(ConfigJson.redactUri("redis://cache:6379")).isEqualTo("redis://cache:6379");
        assertThat(ConfigJson.redactUri("alice@example.com")).isEqualTo("alice@example.com");
    }

    @Test
    void durationsReadAsInTheFile() {
        assertThat(ConfigJson.duration(Duration.ofMillis(250))).isEqualTo("250ms");
        assertThat(ConfigJson.duration(Duration.ofSeconds(5))).isEqualTo("5s");
        assertThat(ConfigJson.duration(Duration.ofSeconds(90))).isEqualTo("90s");
        assertThat(ConfigJson.duration(Duration.ofMinutes(10))).isEqualTo("10m");
        assertThat(ConfigJson.duration(Duration.ofHours(24))).isEqualTo("24h");
        assertThat(ConfigJson.duration(Duration.ZERO)).isEqualTo("0s");
    }

    @Test
    void fieldNamesAreSnakeCase() {
        assertThat(ConfigJson.snakeCase("maxRequestsInFlight")).isEqualTo("max_requests_in_flight");
        assertThat(ConfigJson.snakeCase("via")).isEqualTo("via");
    }
}
