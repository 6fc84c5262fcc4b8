package dev.ferry.demo;

import io.netty.buffer.ByteBuf;
import io.netty.buffer.ByteBufAllocator;
import io.netty.channel.ChannelHandlerContext;
import io.netty.handler.stream.ChunkedInput;
import io.netty.handler.stream.ChunkedWriteHandler;

/**
 * A body of {@code length} pattern bytes, produced one chunk at a time. {@link ChunkedWriteHandler}
 * pulls a chunk only while the channel is writable, so a slow reader holds at most a few chunks in
 * memory whatever the length.
 */
final class PatternInput implements ChunkedInput<ByteBuf> {

    private final long length;
    private long offset;

    PatternInput(long length) {
        this.length = length;
    }

    @Override
    public boolean isEndOfInput() {
        return offset >= length;
    }

    @Override
    public ByteBuf readChunk(ChannelHandlerContext ctx) {
        return readChunk(ctx.alloc());
    }

    @Override
    public ByteBuf readChunk(ByteBufAllocator allocator) {
        if (isEndOfInput()) {
            return null;
        }
        int size = (int) Math.min(BytePattern.CHUNK, length - offset);
        ByteBuf chunk = BytePattern.slice(offset, size);
        offset += size;
        return chunk;
    }

    @Override
    public long length() {
        return length;
    }

    @Override
    public long progress() {
        return offset;
    }

    @Override
    public void close() {
        // nothing to free: chunks are slices of a shared, unreleasable buffer
    }
}
