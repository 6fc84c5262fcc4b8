package dev.ferry.demo;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;

class BytePatternTest {

    @Test
    void patternDigestMatchesTheGeneratedBytes() throws Exception {
        byte[] bytes = new byte[70_000];
        for (int i = 0; i < bytes.length; i++) {
            bytes[i] = (byte) (i % 251);
        }
        assertThat(DemoOrigin.expectedSha256(bytes.length)).isEqualTo(DemoOriginEndpointsTest.sha256(bytes));
    }

    @Test
    void slicesStartWhereverTheOffsetFalls() {
        assertThat(BytePattern.slice(251 * 3 + 5, 3).getByte(0)).isEqualTo((byte) 5);
        assertThat(BytePattern.slice(250, 2).getByte(1)).isEqualTo((byte) 0);
    }
}
