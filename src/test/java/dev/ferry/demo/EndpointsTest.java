package dev.ferry.demo;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import org.junit.jupiter.api.Test;

class EndpointsTest {

    @Test
    void parsesSizesWithBinarySuffixes() {
        assertThat(Endpoints.parseSize("10")).isEqualTo(10);
        assertThat(Endpoints.parseSize("2k")).isEqualTo(2048);
        assertThat(Endpoints.parseSize("200M")).isEqualTo(200L << 20);
        assertThat(Endpoints.parseSize("1g")).isEqualTo(1L << 30);
        assertThatThrownBy(() -> Endpoints.parseSize("-1")).isInstanceOf(IllegalArgumentException.class);
        assertThatThrownBy(() -> Endpoints.parseSize("k")).isInstanceOf(IllegalArgumentException.class);
    }
}
