package dev.ferry.config;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.time.Duration;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

class DurationsTest {

    @ParameterizedTest
    @CsvSource({
        "250ms, 250",
        "5s, 5000",
        "2m, 120000",
        "1h, 3600000",
        "1d, 86400000",
        "1m30s, 90000",
        "1h2m3s4ms, 3723004",
        "0s, 0",
        "' 10s ', 10000",
    })
    void parses(String text, long millis) {
        assertThat(Durations.parse(text)).isEqualTo(Duration.ofMillis(millis));
    }

    @ParameterizedTest
    @CsvSource(delimiter = '|', value = {
        "10       | '10' needs a unit: ms, s, m, h or d",
        "0        | '0' needs a unit: ms, s, m, h or d",
        "1.5      | '1.5' needs a unit: ms, s, m, h or d",
        "-5s      | '-5s' must not be negative",
        "5x       | '5x' is not a duration; expected a number and a unit",
        "1.5s     | '1.5s' is not a duration",
        "5 s      | '5 s' is not a duration",
        "s        | 's' is not a duration",
        "30s1m    | write each unit once, largest first",
        "1s1s     | write each unit once, largest first",
        "1h30     | '1h30' is not a duration",
        "99999999999999999999d | is too long a duration",
        "''       | is empty",
    })
    void rejects(String text, String message) {
        assertThatThrownBy(() -> Durations.parse(text)).isInstanceOf(BadValue.class).hasMessageContaining(message);
    }
}
