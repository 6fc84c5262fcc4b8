package dev.ferry.demo;

import static java.nio.charset.StandardCharsets.UTF_8;

import io.netty.buffer.ByteBuf;
import io.netty.buffer.Unpooled;
import io.netty.channel.ChannelFuture;
import io.netty.channel.ChannelHandlerContext;
import io.netty.handler.codec.http.DefaultFullHttpResponse;
import io.netty.handler.codec.http.DefaultHttpHeaders;
import io.netty.handler.codec.http.DefaultHttpResponse;
import io.netty.handler.codec.http.HttpChunkedInput;
import io.netty.handler.codec.http.HttpHeaderNames;
import io.netty.handler.codec.http.HttpHeaderValues;
import io.netty.handler.codec.http.HttpHeaders;
import io.netty.handler.codec.http.HttpMethod;
import io.netty.handler.codec.http.HttpRequest;
import io.netty.handler.codec.http.HttpResponseStatus;
import io.netty.handler.codec.http.HttpUtil;
import io.netty.handler.codec.http.HttpVersion;

/**
 * A well-formed HTTP response: status, headers and a body that is either a buffer or {@code n}
 * pattern bytes streamed with backpressure. Mutable until written, so that query parameters and
 * conditional requests can reshape it.
 */
final class HttpReply implements Reply {

    private static final String TEXT = "text/plain; charset=utf-8";

    private HttpResponseStatus status;
    private final HttpHeaders headers = new DefaultHttpHeaders();
    private ByteBuf content;
    private long streamedLength = -1;
    private boolean closeAfter;
    private boolean announceClose = true;

    private HttpReply(HttpResponseStatus status) {
        this.status = status;
    }

    static HttpReply text(HttpResponseStatus status, String text) {
        return body(status, Unpooled.copiedBuffer(text + "\n", UTF_8), TEXT);
    }

    static HttpReply body(HttpResponseStatus status, ByteBuf content, String contentType) {
        HttpReply reply = new HttpReply(status);
        reply.content = content;
        reply.headers.set(HttpHeaderNames.CONTENT_TYPE, contentType);
        reply.headers.setInt(HttpHeaderNames.CONTENT_LENGTH, content.readableBytes());
        return reply;
    }

    /** 204 and 304 carry no body and, per RFC 9110 §8.6, no Content-Length either (204 must not). */
    static HttpReply empty(HttpResponseStatus status) {
        HttpReply reply = new HttpReply(status);
        reply.content = Unpooled.EMPTY_BUFFER;
        return reply;
    }

    /** {@code length} pattern bytes, with a Content-Length or, when {@code chunked}, chunked coding. */
    static HttpReply pattern(long length, boolean chunked) {
        HttpReply reply = new HttpReply(HttpResponseStatus.OK);
        reply.streamedLength = length;
        reply.headers.set(HttpHeaderNames.CONTENT_TYPE, HttpHeaderValues.APPLICATION_OCTET_STREAM);
        if (chunked) {
            reply.headers.set(HttpHeaderNames.TRANSFER_ENCODING, HttpHeaderValues.CHUNKED);
        } else {
            reply.headers.set(HttpHeaderNames.CONTENT_LENGTH, length);
        }
        return reply;
    }

    HttpResponseStatus status() {
        return status;
    }

    HttpHeaders headers() {
        return headers;
    }

    /** Closes the connection once written; {@code announce} decides whether {@code Connection: close} says so. */
    HttpReply closeAfter(boolean announce) {
        closeAfter = true;
        announceClose = announce;
        return this;
    }

    /** Turns the reply into a 304: same validators and caching headers, no body (RFC 9110 §15.4.5). */
    void notModified() {
        discard();
        status = HttpResponseStatus.NOT_MODIFIED;
        content = Unpooled.EMPTY_BUFFER;
        streamedLength = -1;
        headers.remove(HttpHeaderNames.CONTENT_LENGTH)
                .remove(HttpHeaderNames.TRANSFER_ENCODING)
                .remove(HttpHeaderNames.CONTENT_TYPE);
    }

    @Override
    public boolean keepsConnection() {
        return !closeAfter;
    }

    @Override
    public ChannelFuture write(ChannelHandlerContext ctx, HttpRequest request, boolean keepAlive) {
        if (keepAlive || announceClose) {
            HttpUtil.setKeepAlive(headers, request.protocolVersion(), keepAlive);
        }
        // a HEAD response has the GET response's headers and no body (RFC 9110 §9.3.2)
        boolean bodyless = HttpMethod.HEAD.equals(request.method());
        if (streamedLength >= 0 && !bodyless) {
            ctx.write(new DefaultHttpResponse(HttpVersion.HTTP_1_1, status, headers));
            return ctx.writeAndFlush(new HttpChunkedInput(new PatternInput(streamedLength)));
        }
        ByteBuf body = content == null ? Unpooled.EMPTY_BUFFER : content;
        content = null;
        if (bodyless) {
            body.release();
            body = Unpooled.EMPTY_BUFFER;
        }
        return ctx.writeAndFlush(new DefaultFullHttpResponse(HttpVersion.HTTP_1_1, status, body, headers,
                new DefaultHttpHeaders()));
    }

    @Override
    public void discard() {
        if (content != null) {
            content.release();
            content = null;
        }
    }
}
