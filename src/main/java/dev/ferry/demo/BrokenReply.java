package dev.ferry.demo;

import static java.nio.charset.StandardCharsets.US_ASCII;

import io.netty.buffer.Unpooled;
import io.netty.channel.ChannelFuture;
import io.netty.channel.ChannelHandlerContext;
import io.netty.handler.codec.http.DefaultHttpContent;
import io.netty.handler.codec.http.DefaultHttpResponse;
import io.netty.handler.codec.http.HttpHeaderNames;
import io.netty.handler.codec.http.HttpRequest;
import io.netty.handler.codec.http.HttpResponse;
import io.netty.handler.codec.http.HttpResponseStatus;
import io.netty.handler.codec.http.HttpVersion;

/**
 * Replies a real origin sends when it is failing, so that a proxy's 502 handling can be tested. Both
 * close the connection once written.
 */
final class BrokenReply implements Reply {

    static final int PROMISED_LENGTH = 100;
    static final int SENT_LENGTH = 10;
    static final String GARBAGE_HEAD = "HTTP/1.1 200 OK\r\nContent-Length: abc\r\n\r\n";

    private final String origin;
    private final boolean garbage;

    private BrokenReply(String origin, boolean garbage) {
        this.origin = origin;
        this.garbage = garbage;
    }

    /** A head promising {@value #PROMISED_LENGTH} bytes, followed by {@value #SENT_LENGTH}. */
    static BrokenReply truncatedBody(String origin) {
        return new BrokenReply(origin, false);
    }

    /** {@value #GARBAGE_HEAD}, a head no HTTP parser may accept. */
    static BrokenReply garbageHead() {
        return new BrokenReply(null, true);
    }

    @Override
    public ChannelFuture write(ChannelHandlerContext ctx, HttpRequest request, boolean keepAlive) {
        if (garbage) {
            // written below the HTTP codec, which would refuse to encode it
            return ctx.pipeline().context(OriginInitializer.HTTP_CODEC)
                    .writeAndFlush(Unpooled.copiedBuffer(GARBAGE_HEAD, US_ASCII));
        }
        HttpResponse head = new DefaultHttpResponse(HttpVersion.HTTP_1_1, HttpResponseStatus.OK);
        head.headers()
                .set(DemoOrigin.ORIGIN_HEADER, origin)
                .set(HttpHeaderNames.CONTENT_TYPE, "application/octet-stream")
                .setInt(HttpHeaderNames.CONTENT_LENGTH, PROMISED_LENGTH);
        ctx.write(head);
        return ctx.writeAndFlush(new DefaultHttpContent(
                BytePattern.filled(Unpooled.buffer(SENT_LENGTH), SENT_LENGTH)));
    }

    @Override
    public boolean keepsConnection() {
        return false;
    }
}
