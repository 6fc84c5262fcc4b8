package dev.ferry.it;

import dev.ferry.demo.DemoOrigin;
import java.io.InputStream;

/**
 * The first {@code length} bytes of the demo origin's pattern ({@link DemoOrigin#patternByte}), generated
 * as they are read, so a huge upload needs no huge array and its digest is {@link
 * DemoOrigin#expectedSha256(long)}.
 */
final class PatternStream extends InputStream {

    private static final int PERIOD = 251;
    private static final byte[] TEMPLATE = new byte[64 * 1024 + PERIOD];

    static {
        for (int i = 0; i < TEMPLATE.length; i++) {
            TEMPLATE[i] = DemoOrigin.patternByte(i);
        }
    }

    private final long length;
    private long position;

    PatternStream(long length) {
        this.length = length;
    }

    @Override
    public int read() {
        return position < length ? DemoOrigin.patternByte(position++) & 0xff : -1;
    }

    @Override
    public int read(byte[] buffer, int offset, int count) {
        if (count == 0) {
            return 0;
        }
        if (position >= length) {
            return -1;
        }
        int n = (int) Math.min(Math.min(count, length - position), TEMPLATE.length - PERIOD);
        System.arraycopy(TEMPLATE, (int) (position % PERIOD), buffer, offset, n);
        position += n;
        return n;
    }
}
