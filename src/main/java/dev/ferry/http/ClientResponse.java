package dev.ferry.http;

import io.netty.buffer.Unpooled;
import io.netty.handler.codec.http.DefaultFullHttpResponse;
import io.netty.handler.codec.http.EmptyHttpHeaders;
import io.netty.handler.codec.http.HttpContent;
import io.netty.handler.codec.http.HttpHeaderNames;
import io.netty.handler.codec.http.HttpHeaderValues;
import io.netty.handler.codec.http.HttpHeaders;
import io.netty.handler.codec.http.HttpMethod;
import io.netty.handler.codec.http.HttpResponse;
import io.netty.handler.codec.http.HttpResponseStatus;
import io.netty.handler.codec.http.HttpVersion;
import io.netty.handler.codec.http.LastHttpContent;

/**
 * The last response sink: writes to the client connection, chooses the framing the client can
 * read and whether the connection stays open after this response. On an HTTP/2 stream there is
 * neither choice: the stream frames the body and the connection outlives it.
 */
final class ClientResponse implements ResponseSink {

    private final Connection frontend;
    private final Exchange exchange;
    private boolean headSent;
    private boolean keepAlive;
    private boolean tunnel;
    private int status;
    private long bytesOut;

    ClientResponse(Connection frontend, Exchange exchange) {
        this.frontend = frontend;
        this.exchange = exchange;
    }

    @Override
    public void interim(HttpResponse informational) {
        if (headSent || exchange.finished()
                || exchange.clientVersion() != HttpVersion.HTTP_1_1 && !frontend.multiplexed()) {
            return;
        }
        frontend.write(new DefaultFullHttpResponse(HttpVersion.HTTP_1_1, informational.status(),
                Unpooled.EMPTY_BUFFER, informational.headers(), EmptyHttpHeaders.INSTANCE));
        frontend.flush();
    }

    @Override
    public void head(HttpResponse head) {
        if (headSent) {
            throw new IllegalStateException("response head already sent");
        }
        headSent = true;
        status = head.status().code();
        HttpHeaders headers = head.headers();
        if (frontend.multiplexed()) {
            // RFC 9113 §8.2.2: no connection-specific fields in HTTP/2; the stream's end frames the body.
            headers.remove(HttpHeaderNames.CONNECTION)
                    .remove(HttpHeaderNames.KEEP_ALIVE)
                    .remove(HttpHeaderNames.PROXY_CONNECTION)
                    .remove(HttpHeaderNames.TRANSFER_ENCODING)
                    .remove(HttpHeaderNames.UPGRADE);
            keepAlive = true;
            head.setProtocolVersion(HttpVersion.HTTP_1_1);
            frontend.write(head);
            return;
        }
        // Upstream responses arrive without hop-by-hop fields; only Ferry's own answers may say close.
        String connection = headers.get(HttpHeaderNames.CONNECTION);
        keepAlive = exchange.clientKeepAlive()
                && exchange.requestComplete()
                && !frontend.draining()
                && (connection == null || !HttpHeaderValues.CLOSE.contentEqualsIgnoreCase(connection));
        if (mayHaveBody() && !headers.contains(HttpHeaderNames.CONTENT_LENGTH)
                && !headers.contains(HttpHeaderNames.TRANSFER_ENCODING)) {
            // The body's end must be visible to the client: chunked for HTTP/1.1, the close for 1.0.
            if (exchange.clientVersion() == HttpVersion.HTTP_1_1) {
                headers.set(HttpHeaderNames.TRANSFER_ENCODING, HttpHeaderValues.CHUNKED);
            } else {
                keepAlive = false;
            }
        }
        if (!keepAlive) {
            headers.set(HttpHeaderNames.CONNECTION, HttpHeaderValues.CLOSE);
        } else if (exchange.clientVersion() == HttpVersion.HTTP_1_0) {
            headers.set(HttpHeaderNames.CONNECTION, HttpHeaderValues.KEEP_ALIVE);
        }
        head.setProtocolVersion(HttpVersion.HTTP_1_1);
        frontend.write(head);
    }

    private boolean mayHaveBody() {
        return exchange.method() != HttpMethod.HEAD && status >= 200 && status != 204 && status != 304;
    }

    @Override
    public void body(HttpContent part) {
        if (exchange.finished()) {
            part.release();
            return;
        }
        bytesOut += part.content().readableBytes();
        frontend.write(part);
        if (part instanceof LastHttpContent) {
            exchange.finish();
        }
    }

    @Override
    public void flush() {
        frontend.flush();
    }

    @Override
    public void abort(HttpResponseStatus errorStatus, String reason) {
        if (exchange.finished()) {
            return;
        }
        if (!headSent) {
            // The connection stays usable when the request was read in full: its framing is intact.
            exchange.respond(ErrorResponses.of(errorStatus, reason, !exchange.requestComplete()));
        } else {
            keepAlive = false;
            frontend.closeAfterWrites();
            exchange.finish();
        }
    }

    @Override
    public boolean headSent() {
        return headSent;
    }

    boolean keepAlive() {
        return keepAlive;
    }

    /** Status for the access log: 499 when the client left before any response. */
    int status() {
        return headSent ? status : 499;
    }

    long bytesOut() {
        return bytesOut;
    }

    void addBytesOut(long n) {
        bytesOut += n;
    }

    /** Whether the exchange became a tunnel (CONNECT, WebSocket). */
    boolean tunnel() {
        return tunnel;
    }

    void markTunnel(int tunnelStatus) {
        tunnel = true;
        headSent = true;
        status = tunnelStatus;
        keepAlive = false;
    }
}
