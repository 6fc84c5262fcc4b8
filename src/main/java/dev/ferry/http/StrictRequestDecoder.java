package dev.ferry.http;

import io.netty.buffer.ByteBuf;
import io.netty.buffer.Unpooled;
import io.netty.channel.ChannelHandlerContext;
import io.netty.handler.codec.ByteToMessageDecoder;
import io.netty.handler.codec.http.DefaultHttpContent;
import io.netty.handler.codec.http.DefaultHttpRequest;
import io.netty.handler.codec.http.DefaultLastHttpContent;
import io.netty.handler.codec.http.HttpHeaders;
import io.netty.handler.codec.http.HttpRequest;
import io.netty.handler.codec.http.HttpResponseStatus;
import io.netty.handler.codec.http.LastHttpContent;
import java.util.List;

/**
 * Decodes HTTP/1.1 requests, strictly: anything that could be framed two ways is refused.
 *
 * <p>Emits, per request, one {@link HttpRequest}, then zero or more {@code HttpContent}s and one
 * {@link LastHttpContent}; or a {@link DecodeFailure}, after which every byte is discarded. It
 * refuses (RFC 9112): obs-fold, whitespace before a colon, bare CR or LF, NUL and other control
 * characters, both {@code Content-Length} and {@code Transfer-Encoding}, differing
 * {@code Content-Length}s, a {@code Transfer-Encoding} whose final coding is not {@code chunked},
 * malformed chunk sizes and missing CRLF after chunk data, missing or repeated {@code Host}.
 *
 * <p>After a complete request it <em>pauses</em>: pipelined bytes stay buffered until
 * {@link #resume()}, so one request is served at a time on a connection. Netty's own decoder is
 * lenient on purpose (it folds lines, drops Content-Length next to Transfer-Encoding, skips junk
 * after chunk data), which is why a proxy needs this one.
 */
public final class StrictRequestDecoder extends ByteToMessageDecoder {

    private static final int MAX_CHUNK_LINE = 4096;
    private static final int MAX_LEADING_EMPTY_LINES = 8;

    private enum State { HEAD, FIXED_BODY, CHUNK_SIZE, CHUNK_DATA, CHUNK_END, TRAILERS, PAUSED, BAD }

    private final int maxHeaderSize;
    private State state = State.HEAD;
    /** Bytes after readerIndex already known to be complete lines of the head or trailer section. */
    private int scanned;
    private int leadingEmptyLines;
    private long remaining;
    private boolean reading;
    private boolean resumedWhileReading;
    private ChannelHandlerContext ctx;

    /**
     * @param maxHeaderSize the most bytes a request line plus header section may take
     */
    public StrictRequestDecoder(int maxHeaderSize) {
        this.maxHeaderSize = maxHeaderSize;
    }

    /** True when some bytes of a next request have arrived but not its whole head. */
    public boolean hasPartialHead() {
        return state == State.HEAD && internalBuffer().isReadable();
    }

    /** Bytes received and not decoded yet (pipelined requests wait here while paused). */
    public int bufferedBytes() {
        return internalBuffer().readableBytes();
    }

    /** Discards everything received from now on: the connection is closing. */
    public void discardRest() {
        state = State.BAD;
        if (ctx != null) {
            internalBuffer().skipBytes(internalBuffer().readableBytes());
        }
    }

    /** Lets the next pipelined request be decoded; called when the previous response is complete. */
    public void resume() {
        if (state != State.PAUSED) {
            return;
        }
        state = State.HEAD;
        if (reading) {
            resumedWhileReading = true;
        } else if (ctx != null && internalBuffer().isReadable()) {
            try {
                channelRead(ctx, Unpooled.EMPTY_BUFFER);
                channelReadComplete(ctx);
            } catch (Exception e) {
                ctx.fireExceptionCaught(e);
            }
        }
    }

    @Override
    public void handlerAdded(ChannelHandlerContext ctx) throws Exception {
        this.ctx = ctx;
        super.handlerAdded(ctx);
    }

    @Override
    public void channelRead(ChannelHandlerContext ctx, Object msg) throws Exception {
        reading = true;
        try {
            super.channelRead(ctx, msg);
        } finally {
            reading = false;
        }
        if (resumedWhileReading) {
            resumedWhileReading = false;
            if (!ctx.isRemoved() && internalBuffer().isReadable()) {
                channelRead(ctx, Unpooled.EMPTY_BUFFER);
            }
        }
    }

    @Override
    protected void decode(ChannelHandlerContext ctx, ByteBuf in, List<Object> out) {
        try {
            switch (state) {
                case HEAD -> decodeHead(in, out);
                case FIXED_BODY -> decodeFixedBody(in, out);
                case CHUNK_SIZE -> decodeChunkSize(in);
                case CHUNK_DATA -> decodeChunkData(in, out);
                case CHUNK_END -> decodeChunkEnd(in);
                case TRAILERS -> decodeTrailers(in, out);
                case PAUSED -> { }
                case BAD -> in.skipBytes(in.readableBytes());
            }
        } catch (BadRequest e) {
            boolean inBody = state != State.HEAD;
            state = State.BAD;
            in.skipBytes(in.readableBytes());
            out.add(new DecodeFailure(e.status, e.getMessage(), inBody));
        }
    }

    @Override
    protected void decodeLast(ChannelHandlerContext ctx, ByteBuf in, List<Object> out) {
        // A connection that closes mid-request is reported by channelInactive, not as a message.
    }

    private void decodeHead(ByteBuf in, List<Object> out) {
        int start = in.readerIndex();
        int end = in.writerIndex();
        int pos = start + scanned;
        while (true) {
            int limit = Math.min(end, start + maxHeaderSize);
            int lf = in.indexOf(pos, limit, (byte) '\n');
            if (lf < 0) {
                if (end - start >= maxHeaderSize) {
                    throw pos == start
                            ? new BadRequest(HttpResponseStatus.REQUEST_URI_TOO_LONG, "request line too long")
                            : new BadRequest(HttpResponseStatus.REQUEST_HEADER_FIELDS_TOO_LARGE, "request header too large");
                }
                scanned = pos - start;
                return;
            }
            if (lf == pos || in.getByte(lf - 1) != '\r') {
                throw new BadRequest(HttpResponseStatus.BAD_REQUEST, "line not terminated by CRLF");
            }
            if (lf - 1 == pos) {
                if (pos == start) {
                    // RFC 9112 §2.2: a server SHOULD ignore at least one empty line before the request line.
                    if (++leadingEmptyLines > MAX_LEADING_EMPTY_LINES) {
                        throw new BadRequest(HttpResponseStatus.BAD_REQUEST, "too many empty lines");
                    }
                    in.readerIndex(lf + 1);
                    start = lf + 1;
                    pos = start;
                    continue;
                }
                byte[] head = new byte[lf + 1 - start];
                in.readBytes(head);
                scanned = 0;
                leadingEmptyLines = 0;
                emitRequest(RequestHeadParser.parse(head), out);
                return;
            }
            pos = lf + 1;
        }
    }

    private void emitRequest(RequestHeadParser.Head head, List<Object> out) {
        HttpRequest request = new DefaultHttpRequest(head.version(), head.method(), head.uri(), head.headers());
        out.add(request);
        if (head.chunked()) {
            state = State.CHUNK_SIZE;
        } else if (head.contentLength() > 0) {
            remaining = head.contentLength();
            state = State.FIXED_BODY;
        } else {
            out.add(LastHttpContent.EMPTY_LAST_CONTENT);
            state = State.PAUSED;
        }
    }

    private void decodeFixedBody(ByteBuf in, List<Object> out) {
        int n = (int) Math.min(in.readableBytes(), remaining);
        ByteBuf part = in.readRetainedSlice(n);
        remaining -= n;
        if (remaining == 0) {
            out.add(new DefaultLastHttpContent(part));
            state = State.PAUSED;
        } else {
            out.add(new DefaultHttpContent(part));
        }
    }

    private void decodeChunkSize(ByteBuf in) {
        int start = in.readerIndex();
        int lf = in.indexOf(start, Math.min(in.writerIndex(), start + MAX_CHUNK_LINE), (byte) '\n');
        if (lf < 0) {
            if (in.readableBytes() >= MAX_CHUNK_LINE) {
                throw new BadRequest(HttpResponseStatus.BAD_REQUEST, "chunk size line too long");
            }
            return;
        }
        if (lf == start || in.getByte(lf - 1) != '\r') {
            throw new BadRequest(HttpResponseStatus.BAD_REQUEST, "chunk size line not terminated by CRLF");
        }
        int cr = lf - 1;
        long size = 0;
        int i = start;
        for (; i < cr; i++) {
            int digit = HttpChars.hexValue(in.getByte(i));
            if (digit < 0) {
                break;
            }
            if (i - start >= 15) {
                throw new BadRequest(HttpResponseStatus.BAD_REQUEST, "chunk size too large");
            }
            size = size << 4 | digit;
        }
        if (i == start) {
            throw new BadRequest(HttpResponseStatus.BAD_REQUEST, "invalid chunk size");
        }
        checkChunkExtensions(in, i, cr);
        in.readerIndex(lf + 1);
        if (size == 0) {
            state = State.TRAILERS;
        } else {
            remaining = size;
            state = State.CHUNK_DATA;
        }
    }

    /** RFC 9112 §7.1.1: chunk-ext = *( BWS ";" BWS name [ BWS "=" BWS value ] ); we check the shape. */
    private static void checkChunkExtensions(ByteBuf in, int from, int to) {
        int i = from;
        while (i < to && (in.getByte(i) == ' ' || in.getByte(i) == '\t')) {
            i++;
        }
        if (i == to) {
            if (i != from) {
                throw new BadRequest(HttpResponseStatus.BAD_REQUEST, "invalid chunk size");
            }
            return;
        }
        if (in.getByte(i) != ';') {
            throw new BadRequest(HttpResponseStatus.BAD_REQUEST, "invalid chunk size");
        }
        for (; i < to; i++) {
            if (!HttpChars.isFieldChar(in.getByte(i))) {
                throw new BadRequest(HttpResponseStatus.BAD_REQUEST, "invalid chunk extension");
            }
        }
    }

    private void decodeChunkData(ByteBuf in, List<Object> out) {
        int n = (int) Math.min(in.readableBytes(), remaining);
        out.add(new DefaultHttpContent(in.readRetainedSlice(n)));
        remaining -= n;
        if (remaining == 0) {
            state = State.CHUNK_END;
        }
    }

    private void decodeChunkEnd(ByteBuf in) {
        if (in.readableBytes() < 2) {
            if (in.getByte(in.readerIndex()) != '\r') {
                throw new BadRequest(HttpResponseStatus.BAD_REQUEST, "chunk data not followed by CRLF");
            }
            return;
        }
        if (in.readByte() != '\r' || in.readByte() != '\n') {
            throw new BadRequest(HttpResponseStatus.BAD_REQUEST, "chunk data not followed by CRLF");
        }
        state = State.CHUNK_SIZE;
    }

    private void decodeTrailers(ByteBuf in, List<Object> out) {
        int start = in.readerIndex();
        int end = in.writerIndex();
        int pos = start + scanned;
        while (true) {
            int lf = in.indexOf(pos, Math.min(end, start + maxHeaderSize), (byte) '\n');
            if (lf < 0) {
                if (end - start >= maxHeaderSize) {
                    throw new BadRequest(HttpResponseStatus.REQUEST_HEADER_FIELDS_TOO_LARGE, "trailer section too large");
                }
                scanned = pos - start;
                return;
            }
            if (lf == pos || in.getByte(lf - 1) != '\r') {
                throw new BadRequest(HttpResponseStatus.BAD_REQUEST, "trailer line not terminated by CRLF");
            }
            if (lf - 1 == pos) {
                byte[] section = new byte[lf + 1 - start];
                in.readBytes(section);
                scanned = 0;
                HttpHeaders trailers = RequestHeadParser.parseTrailers(section);
                out.add(trailers.isEmpty()
                        ? LastHttpContent.EMPTY_LAST_CONTENT
                        : new DefaultLastHttpContent(Unpooled.EMPTY_BUFFER, trailers));
                state = State.PAUSED;
                return;
            }
            pos = lf + 1;
        }
    }

    /** Thrown inside the parser; turned into a {@link DecodeFailure}. */
    static final class BadRequest extends RuntimeException {
        final HttpResponseStatus status;

        BadRequest(HttpResponseStatus status, String reason) {
            super(reason, null, false, false);
            this.status = status;
        }
    }
}
