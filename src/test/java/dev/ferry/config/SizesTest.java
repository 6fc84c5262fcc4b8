package dev.ferry.config;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.math.BigInteger;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

class SizesTest {

    @ParameterizedTest
    @CsvSource({
        "0, 0",
        "1024, 1024",
        "10B, 10",
        "64KiB, 65536",
        "256MiB, 268435456",
        "2GiB, 2147483648",
        "1KB, 1000",
        "8MB, 8000000",
        "1GB, 1000000000",
        "'16 KiB', 16384",
    })
    void parses(String text, long bytes) {
        assertThat(Sizes.parse(text)).isEqualTo(bytes);
    }

    @ParameterizedTest
    @CsvSource(delimiter = '|', value = {
        "10kb    | '10kb' has an unknown unit 'kb'",
        "10TiB   | unknown unit 'TiB'",
        "-1      | '-1' must not be negative",
        "1.5MiB  | '1.5MiB' is not a size",
        "KiB     | 'KiB' is not a size",
        "''      | is not a size",
        "99999999999GiB | is too large",
    })
    void rejects(String text, String message) {
        assertThatThrownBy(() -> Sizes.parse(text)).isInstanceOf(BadValue.class).hasMessageContaining(message);
    }

    @Test
    void plainIntegersAreBytes() {
        assertThat(Sizes.of(BigInteger.valueOf(4096), "4096")).isEqualTo(4096);
        assertThatThrownBy(() -> Sizes.of(BigInteger.valueOf(-1), "-1")).hasMessageContaining("negative");
    }

    @ParameterizedTest
    @CsvSource({"1024, 1KiB", "1048576, 1MiB", "1000, 1000B", "3221225472, 3GiB", "1536, 1536B"})
    void formats(long bytes, String text) {
        assertThat(Sizes.format(bytes)).isEqualTo(text);
    }
}
