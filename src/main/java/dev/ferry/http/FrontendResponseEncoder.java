package dev.ferry.http;

import io.netty.handler.codec.http.HttpResponse;
import io.netty.handler.codec.http.HttpResponseEncoder;

/**
 * A response encoder that knows whether the response answers a HEAD request, so a proxied HEAD
 * response that announces {@code Transfer-Encoding: chunked} is written without a body (Netty's
 * server codec knows this from its own decoder; this one works with {@link StrictRequestDecoder}).
 */
final class FrontendResponseEncoder extends HttpResponseEncoder {

    private boolean headRequest;

    void answering(boolean headRequest) {
        this.headRequest = headRequest;
    }

    @Override
    protected boolean isContentAlwaysEmpty(HttpResponse msg) {
        return headRequest || super.isContentAlwaysEmpty(msg);
    }
}
