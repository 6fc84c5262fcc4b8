package dev.ferry.demo;

import io.netty.buffer.ByteBuf;
import java.nio.ByteBuffer;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.HexFormat;

/** Length and SHA-256 of a body, updated chunk by chunk so that no body is ever held whole. */
final class BodyDigest {

    private final MessageDigest sha256 = newSha256();
    private long length;

    void update(ByteBuf chunk) {
        int readable = chunk.readableBytes();
        if (readable == 0) {
            return;
        }
        length += readable;
        if (chunk.hasArray()) {
            sha256.update(chunk.array(), chunk.arrayOffset() + chunk.readerIndex(), readable);
        } else {
            for (ByteBuffer part : chunk.nioBuffers()) {
                sha256.update(part);
            }
        }
    }

    long length() {
        return length;
    }

    /** Lower-case hex. Only valid once: it finishes the digest. */
    String sha256() {
        return HexFormat.of().formatHex(sha256.digest());
    }

    static MessageDigest newSha256() {
        try {
            return MessageDigest.getInstance("SHA-256");
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException("every JDK has SHA-256", e);
        }
    }
}
