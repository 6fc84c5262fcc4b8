package dev.ferry.upstream;

import io.netty.channel.CombinedChannelDuplexHandler;
import io.netty.channel.ChannelHandlerContext;
import io.netty.handler.codec.http.HttpDecoderConfig;
import io.netty.handler.codec.http.HttpMessage;
import io.netty.handler.codec.http.HttpMethod;
import io.netty.handler.codec.http.HttpRequest;
import io.netty.handler.codec.http.HttpRequestEncoder;
import io.netty.handler.codec.http.HttpResponse;
import io.netty.handler.codec.http.HttpResponseDecoder;
import io.netty.handler.codec.http.HttpStatusClass;
import java.util.ArrayDeque;
import java.util.List;
import java.util.Queue;

/**
 * The HTTP/1.1 codec of a connection to a server: Netty's request encoder and response decoder,
 * each response paired with its request's method so that a response to HEAD is read without a
 * body (RFC 9110 §9.3.2), as {@code HttpClientCodec} does. Unlike that codec (which is final), it
 * tells whether the server sent bytes beyond the response just decoded: they would be read as the
 * start of the next response (RFC 9112 §6.3), so such a connection must not be used again.
 */
final class UpstreamCodec extends CombinedChannelDuplexHandler<UpstreamCodec.Decoder, UpstreamCodec.Encoder> {

    /** Methods of the requests sent whose responses have not begun yet. */
    private final Queue<HttpMethod> methods = new ArrayDeque<>(2);

    UpstreamCodec(HttpDecoderConfig config) {
        init(new Decoder(config), new Encoder());
    }

    /**
     * Whether received bytes wait undecoded. Asked when a response has just been decoded in full:
     * a server that sent more than that response is out of step with this connection.
     */
    boolean hasBufferedInput() {
        return inboundHandler().buffered();
    }

    final class Decoder extends HttpResponseDecoder {

        Decoder(HttpDecoderConfig config) {
            super(config);
        }

        boolean buffered() {
            return actualReadableBytes() > 0;
        }

        @Override
        protected boolean isContentAlwaysEmpty(HttpMessage msg) {
            if (((HttpResponse) msg).status().codeClass() == HttpStatusClass.INFORMATIONAL) {
                // An interim response comes before the final one to the same request.
                return super.isContentAlwaysEmpty(msg);
            }
            HttpMethod method = methods.poll();
            return HttpMethod.HEAD.equals(method) || super.isContentAlwaysEmpty(msg);
        }
    }

    final class Encoder extends HttpRequestEncoder {

        @Override
        protected void encode(ChannelHandlerContext ctx, Object msg, List<Object> out) throws Exception {
            if (msg instanceof HttpRequest request) {
                methods.offer(request.method());
            }
            super.encode(ctx, msg, out);
        }
    }
}
