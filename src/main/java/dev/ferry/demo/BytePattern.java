package dev.ferry.demo;

import io.netty.buffer.ByteBuf;
import io.netty.buffer.Unpooled;
import java.security.MessageDigest;
import java.util.HexFormat;

/**
 * The bytes every generated body is made of: byte {@code i} is {@code i % 251}. A prime period keeps
 * the pattern out of step with power-of-two chunk sizes, so a chunk dropped, repeated or reordered
 * anywhere changes the digest.
 */
final class BytePattern {

    static final int PERIOD = 251;
    static final int CHUNK = 64 * 1024;

    /**
     * One chunk plus one period: any chunk of the pattern is a slice of it starting at {@code offset %
     * PERIOD}. Unreleasable, so slices handed to the transport never free it.
     */
    private static final ByteBuf SOURCE = Unpooled.unreleasableBuffer(filled(Unpooled.directBuffer(CHUNK + PERIOD),
            CHUNK + PERIOD));

    private BytePattern() {
    }

    static byte at(long index) {
        if (index < 0) {
            throw new IllegalArgumentException("negative index: " + index);
        }
        return (byte) (index % PERIOD);
    }

    /** The pattern's bytes {@code [offset, offset + length)}, {@code length <= CHUNK}, without copying. */
    static ByteBuf slice(long offset, int length) {
        if (length > CHUNK) {
            throw new IllegalArgumentException("slice longer than a chunk: " + length);
        }
        return SOURCE.slice((int) (offset % PERIOD), length);
    }

    /** Writes the first {@code length} bytes of the pattern into {@code buffer}. */
    static ByteBuf filled(ByteBuf buffer, int length) {
        for (int i = 0; i < length; i++) {
            buffer.writeByte(i % PERIOD);
        }
        return buffer;
    }

    static String sha256(long length) {
        if (length < 0) {
            throw new IllegalArgumentException("negative length: " + length);
        }
        byte[] chunk = new byte[CHUNK + PERIOD];
        SOURCE.getBytes(0, chunk);
        MessageDigest sha256 = BodyDigest.newSha256();
        for (long offset = 0; offset < length; offset += CHUNK) {
            sha256.update(chunk, (int) (offset % PERIOD), (int) Math.min(CHUNK, length - offset));
        }
        return HexFormat.of().formatHex(sha256.digest());
    }
}
