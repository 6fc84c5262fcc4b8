package dev.ferry.config;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

class PercentsTest {

    @ParameterizedTest
    @CsvSource({"20%, 20", "0%, 0", "100%, 100", "50, 50", "'7 %', 7"})
    void parses(String text, int percent) {
        assertThat(Percents.parse(text)).isEqualTo(percent);
    }

    @ParameterizedTest
    @CsvSource(delimiter = '|', value = {
        "101%    | must be a percentage between 0 and 100, got '101%'",
        "-1%     | between 0 and 100",
        "9999999999% | between 0 and 100",
        "12.5%   | is not a percentage",
        "half    | is not a percentage",
        "%       | is not a percentage",
    })
    void rejects(String text, String message) {
        assertThatThrownBy(() -> Percents.parse(text)).isInstanceOf(BadValue.class).hasMessageContaining(message);
    }
}
