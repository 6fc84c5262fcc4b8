package dev.ferry.upstream;

import static org.assertj.core.api.Assertions.assertThat;

import io.netty.buffer.Unpooled;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelInboundHandlerAdapter;
import io.netty.channel.embedded.EmbeddedChannel;
import io.netty.handler.codec.http.DefaultFullHttpRequest;
import io.netty.handler.codec.http.HttpDecoderConfig;
import io.netty.handler.codec.http.HttpMethod;
import io.netty.handler.codec.http.HttpResponse;
import io.netty.handler.codec.http.HttpVersion;
import io.netty.handler.codec.http.LastHttpContent;
import io.netty.util.ReferenceCountUtil;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;

/** The upstream codec: responses paired with their methods, and bytes a server sent beyond a response. */
class UpstreamCodecTest {

    private final UpstreamCodec codec = new UpstreamCodec(new HttpDecoderConfig());
    /** Whether the codec held undecoded bytes as each LastHttpContent went by. */
    private final List<Boolean> bufferedAtEnd = new ArrayList<>();
    private final List<Object> decoded = new ArrayList<>();
    private final EmbeddedChannel channel = new EmbeddedChannel(codec, new ChannelInboundHandlerAdapter() {
        @Override
        public void channelRead(ChannelHandlerContext ctx, Object msg) {
            if (msg instanceof LastHttpContent) {
                bufferedAtEnd.add(codec.hasBufferedInput());
            }
            decoded.add(msg);
        }
    });

    @AfterEach
    void close() {
        decoded.forEach(ReferenceCountUtil::release);
        channel.finishAndReleaseAll();
    }

    private void send(HttpMethod method) {
        channel.writeOutbound(new DefaultFullHttpRequest(HttpVersion.HTTP_1_1, method, "/"));
        channel.outboundMessages().forEach(ReferenceCountUtil::release);
        channel.outboundMessages().clear();
    }

    private void receive(String bytes) {
        channel.writeInbound(Unpooled.copiedBuffer(bytes, StandardCharsets.US_ASCII));
    }

    @Test
    @DisplayName("a response that ends where the bytes end leaves nothing buffered")
    void exactResponse() {
        send(HttpMethod.GET);
        receive("HTTP/1.1 200 OK\r\nContent-Length: 3\r\n\r\nabc");

        assertThat(bufferedAtEnd).containsExactly(false);
        assertThat(codec.hasBufferedInput()).isFalse();
    }

    @Test
    @DisplayName("RFC 9112 §6.3: bytes beyond Content-Length are still buffered when the response ends")
    void surplusAfterContentLength() {
        send(HttpMethod.GET);
        receive("HTTP/1.1 200 OK\r\nContent-Length: 3\r\n\r\nabcdefghij");

        assertThat(bufferedAtEnd).containsExactly(true);
    }

    @Test
    @DisplayName("RFC 9110 §9.3.2: a response to HEAD has no body; an interim response pairs with no request")
    void headHasNoBody() {
        send(HttpMethod.HEAD);
        send(HttpMethod.GET);
        receive("HTTP/1.1 200 OK\r\nContent-Length: 3\r\n\r\n");
        receive("HTTP/1.1 100 Continue\r\n\r\nHTTP/1.1 200 OK\r\nContent-Length: 3\r\n\r\nabc");

        assertThat(decoded).filteredOn(HttpResponse.class::isInstance)
                .extracting(m -> ((HttpResponse) m).status().code()).containsExactly(200, 100, 200);
        LastHttpContent lastOfGet = (LastHttpContent) decoded.get(decoded.size() - 1);
        assertThat(lastOfGet.content().toString(StandardCharsets.US_ASCII)).isEqualTo("abc");
    }
}
