package dev.ferry.http;

import static org.assertj.core.api.Assertions.assertThat;

import io.netty.buffer.ByteBuf;
import io.netty.buffer.Unpooled;
import io.netty.channel.embedded.EmbeddedChannel;
import io.netty.handler.codec.http.HttpContent;
import io.netty.handler.codec.http.HttpHeaderNames;
import io.netty.handler.codec.http.HttpMethod;
import io.netty.handler.codec.http.HttpRequest;
import io.netty.handler.codec.http.HttpVersion;
import io.netty.handler.codec.http.LastHttpContent;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/** RFC 9112 request parsing: what is accepted, and every ambiguity that must be refused. */
class StrictRequestDecoderTest {

    private final StrictRequestDecoder decoder = new StrictRequestDecoder(8192);
    private final EmbeddedChannel channel = new EmbeddedChannel(decoder);

    private List<Object> feed(String text) {
        channel.writeInbound(Unpooled.copiedBuffer(text, StandardCharsets.ISO_8859_1));
        List<Object> out = new ArrayList<>();
        Object msg;
        while ((msg = channel.readInbound()) != null) {
            out.add(msg);
        }
        return out;
    }

    private static String body(List<Object> messages) {
        StringBuilder b = new StringBuilder();
        for (Object m : messages) {
            if (m instanceof HttpContent c) {
                b.append(c.content().toString(StandardCharsets.ISO_8859_1));
                c.release();
            }
        }
        return b.toString();
    }

    @Test
    void decodesAGetWithQueryAndHeaders() {
        List<Object> out = feed("GET /a/b?x=1&y=2 HTTP/1.1\r\nHost: example.com\r\nX-Thing:  padded value \t\r\n\r\n");
        assertThat(out).hasSize(2);
        HttpRequest request = (HttpRequest) out.get(0);
        assertThat(request.method()).isEqualTo(HttpMethod.GET);
        assertThat(request.uri()).isEqualTo("/a/b?x=1&y=2");
        assertThat(request.protocolVersion()).isEqualTo(HttpVersion.HTTP_1_1);
        assertThat(request.headers().get("x-thing")).isEqualTo("padded value");
        assertThat(out.get(1)).isSameAs(LastHttpContent.EMPTY_LAST_CONTENT);
    }

    @Test
    void decodesAContentLengthBodyArrivingInPieces() {
        List<Object> out = new ArrayList<>(feed("POST /u HTTP/1.1\r\nHost: h\r\nContent-Length: 10\r\n\r\n0123"));
        out.addAll(feed("456789"));
        assertThat(out.get(0)).isInstanceOf(HttpRequest.class);
        assertThat(out.get(out.size() - 1)).isInstanceOf(LastHttpContent.class);
        assertThat(body(out)).isEqualTo("0123456789");
    }

    @Test
    void decodesChunkedBodyWithExtensionsAndTrailers() {
        List<Object> out = feed("POST /u HTTP/1.1\r\nHost: h\r\nTransfer-Encoding: chunked\r\n\r\n"
                + "5;name=value\r\nhello\r\n6 ; x\r\n world\r\n0\r\nX-Sum: abc\r\n\r\n");
        LastHttpContent last = (LastHttpContent) out.get(out.size() - 1);
        assertThat(last.trailingHeaders().get("x-sum")).isEqualTo("abc");
        assertThat(body(out)).isEqualTo("hello world");
    }

    @Test
    void headerSplitAcrossReadsIsReassembled() {
        assertThat(feed("GET / HTTP/1.1\r\nHo")).isEmpty();
        assertThat(feed("st: a\r\n")).isEmpty();
        assertThat(feed("\r\n")).hasSize(2);
    }

    @Test
    void emptyLinesBeforeTheRequestLineAreIgnored() {
        // RFC 9112 §2.2
        assertThat(feed("\r\n\r\nGET / HTTP/1.1\r\nHost: h\r\n\r\n")).hasSize(2);
    }

    @Test
    void pausesAfterEachRequestUntilResumed() {
        List<Object> out = feed("GET /1 HTTP/1.1\r\nHost: h\r\n\r\nGET /2 HTTP/1.1\r\nHost: h\r\n\r\n");
        assertThat(out).hasSize(2);
        assertThat(((HttpRequest) out.get(0)).uri()).isEqualTo("/1");
        assertThat(decoder.bufferedBytes()).isPositive();
        decoder.resume();
        Object next = channel.readInbound();
        assertThat(((HttpRequest) next).uri()).isEqualTo("/2");
    }

    @Test
    void identicalDuplicateContentLengthsCollapseToOne() {
        // RFC 9110 §8.6: a list of identical values may be taken as one.
        List<Object> out = feed("POST / HTTP/1.1\r\nHost: h\r\nContent-Length: 3\r\nContent-Length: 3, 3\r\n\r\nabc");
        HttpRequest request = (HttpRequest) out.get(0);
        assertThat(request.headers().getAll(HttpHeaderNames.CONTENT_LENGTH)).containsExactly("3");
        assertThat(body(out)).isEqualTo("abc");
    }

    @Test
    void http10WithoutHostIsAccepted() {
        List<Object> out = feed("GET / HTTP/1.0\r\n\r\n");
        assertThat(((HttpRequest) out.get(0)).protocolVersion()).isEqualTo(HttpVersion.HTTP_1_0);
    }

    @ParameterizedTest(name = "{0}")
    @CsvSource(delimiter = '|', textBlock = """
        both Content-Length and Transfer-Encoding  | POST / HTTP/1.1\\r\\nHost: h\\r\\nContent-Length: 3\\r\\nTransfer-Encoding: chunked\\r\\n\\r\\n | 400
        differing Content-Length values            | POST / HTTP/1.1\\r\\nHost: h\\r\\nContent-Length: 3\\r\\nContent-Length: 4\\r\\n\\r\\n | 400
        differing Content-Length list              | POST / HTTP/1.1\\r\\nHost: h\\r\\nContent-Length: 3, 4\\r\\n\\r\\n | 400
        signed Content-Length                      | POST / HTTP/1.1\\r\\nHost: h\\r\\nContent-Length: +3\\r\\n\\r\\n | 400
        chunked not final                          | POST / HTTP/1.1\\r\\nHost: h\\r\\nTransfer-Encoding: chunked, identity\\r\\n\\r\\n | 400
        chunked twice                              | POST / HTTP/1.1\\r\\nHost: h\\r\\nTransfer-Encoding: chunked\\r\\nTransfer-Encoding: chunked\\r\\n\\r\\n | 400
        misspelt chunked                           | POST / HTTP/1.1\\r\\nHost: h\\r\\nTransfer-Encoding: xchunked\\r\\n\\r\\n | 400
        unknown coding before chunked              | POST / HTTP/1.1\\r\\nHost: h\\r\\nTransfer-Encoding: gzip, chunked\\r\\n\\r\\n | 501
        Transfer-Encoding in HTTP/1.0              | POST / HTTP/1.0\\r\\nTransfer-Encoding: chunked\\r\\n\\r\\n | 400
        obs-fold                                   | GET / HTTP/1.1\\r\\nHost: h\\r\\nX-A: one\\r\\n two\\r\\n\\r\\n | 400
        whitespace before colon                    | GET / HTTP/1.1\\r\\nHost: h\\r\\nContent-Length : 0\\r\\n\\r\\n | 400
        bare CR in a value                         | GET / HTTP/1.1\\r\\nHost: h\\r\\nX-A: a\\rb\\r\\n\\r\\n | 400
        bare LF line ending                        | GET / HTTP/1.1\\nHost: h\\r\\n\\r\\n | 400
        NUL in a value                             | GET / HTTP/1.1\\r\\nHost: h\\r\\nX-A: a\\u0000b\\r\\n\\r\\n | 400
        control character in a value               | GET / HTTP/1.1\\r\\nHost: h\\r\\nX-A: a\\u0001b\\r\\n\\r\\n | 400
        missing Host in HTTP/1.1                   | GET / HTTP/1.1\\r\\n\\r\\n | 400
        two Host headers                           | GET / HTTP/1.1\\r\\nHost: a\\r\\nHost: b\\r\\n\\r\\n | 400
        Host with a space                          | GET / HTTP/1.1\\r\\nHost: a b\\r\\n\\r\\n | 400
        two spaces in request line                 | GET  / HTTP/1.1\\r\\nHost: h\\r\\n\\r\\n | 400
        lower-case version                         | GET / http/1.1\\r\\nHost: h\\r\\n\\r\\n | 400
        HTTP/2.0 on an HTTP/1 connection           | GET / HTTP/2.0\\r\\nHost: h\\r\\n\\r\\n | 505
        fragment in target                         | GET /a#b HTTP/1.1\\r\\nHost: h\\r\\n\\r\\n | 400
        space in header name                       | GET / HTTP/1.1\\r\\nHost: h\\r\\nX A: b\\r\\n\\r\\n | 400
        empty header name                          | GET / HTTP/1.1\\r\\nHost: h\\r\\n: b\\r\\n\\r\\n | 400
        CONNECT without port                       | CONNECT example.com HTTP/1.1\\r\\nHost: h\\r\\n\\r\\n | 0
        origin-form CONNECT                        | CONNECT / HTTP/1.1\\r\\nHost: h\\r\\n\\r\\n | 400
        authority-form GET                         | GET example.com:80 HTTP/1.1\\r\\nHost: h\\r\\n\\r\\n | 400
        asterisk for GET                           | GET * HTTP/1.1\\r\\nHost: h\\r\\n\\r\\n | 400
        CONNECT with a body                        | CONNECT a:443 HTTP/1.1\\r\\nHost: a\\r\\nContent-Length: 5\\r\\n\\r\\n | 400
        """)
    void refusesAmbiguousOrMalformedHeads(String rule, String request, int status) {
        List<Object> out = feed(unescape(request));
        if (status == 0) {
            // Accepted by the parser; the forward proxy rejects a missing port itself.
            assertThat(out.get(0)).isInstanceOf(HttpRequest.class);
            return;
        }
        assertThat(out).as(rule).hasSize(1);
        DecodeFailure failure = (DecodeFailure) out.get(0);
        assertThat(failure.status().code()).as(rule).isEqualTo(status);
        assertThat(failure.inBody()).isFalse();
        // Everything after a failure is discarded: no request ever comes out of this connection again.
        assertThat(feed("GET / HTTP/1.1\r\nHost: h\r\n\r\n")).isEmpty();
    }

    @ParameterizedTest(name = "{0}")
    @CsvSource(delimiter = '|', textBlock = """
        non-hex chunk size        | zz\\r\\nabc\\r\\n0\\r\\n\\r\\n
        signed chunk size         | +5\\r\\nhello\\r\\n0\\r\\n\\r\\n
        0x prefix                 | 0x5\\r\\nhello\\r\\n0\\r\\n\\r\\n
        empty chunk size          | \\r\\nhello\\r\\n0\\r\\n\\r\\n
        chunk size overflow       | 1000000000000000000000\\r\\nx\\r\\n
        chunk size bare LF        | 5\\nhello\\r\\n0\\r\\n\\r\\n
        junk after chunk data     | 5\\r\\nhelloXX\\r\\n0\\r\\n\\r\\n
        space inside size         | 5 5\\r\\nhello\\r\\n
        """)
    void refusesMalformedChunks(String rule, String chunks) {
        List<Object> out = feed("POST / HTTP/1.1\r\nHost: h\r\nTransfer-Encoding: chunked\r\n\r\n" + unescape(chunks));
        assertThat(out.get(0)).isInstanceOf(HttpRequest.class);
        Object last = out.get(out.size() - 1);
        assertThat(last).as(rule).isInstanceOf(DecodeFailure.class);
        assertThat(((DecodeFailure) last).status().code()).isEqualTo(400);
        assertThat(((DecodeFailure) last).inBody()).isTrue();
        out.forEach(m -> {
            if (m instanceof HttpContent c) {
                c.release();
            }
        });
    }

    @Test
    void tooLongRequestLineIs414AndTooLargeHeadIs431() {
        assertThat(((DecodeFailure) feed("GET /" + "a".repeat(9000) + " HTTP/1.1\r\n").get(0)).status().code())
                .isEqualTo(414);
        StrictRequestDecoder other = new StrictRequestDecoder(8192);
        EmbeddedChannel ch = new EmbeddedChannel(other);
        ch.writeInbound(Unpooled.copiedBuffer("GET / HTTP/1.1\r\nHost: h\r\nX-Big: " + "b".repeat(9000) + "\r\n\r\n",
                StandardCharsets.US_ASCII));
        assertThat(((DecodeFailure) ch.readInbound()).status().code()).isEqualTo(431);
    }

    @Test
    void largeBodyIsStreamedAsSlices() {
        ByteBuf head = Unpooled.copiedBuffer("PUT / HTTP/1.1\r\nHost: h\r\nContent-Length: 1048576\r\n\r\n",
                StandardCharsets.US_ASCII);
        channel.writeInbound(head);
        long received = 0;
        for (int i = 0; i < 16; i++) {
            channel.writeInbound(Unpooled.wrappedBuffer(new byte[65536]));
        }
        Object msg;
        boolean last = false;
        while ((msg = channel.readInbound()) != null) {
            if (msg instanceof HttpContent c) {
                received += c.content().readableBytes();
                last = c instanceof LastHttpContent;
                c.release();
            }
        }
        assertThat(received).isEqualTo(1048576);
        assertThat(last).isTrue();
    }

    private static String unescape(String s) {
        return s.replace("\\r", "\r").replace("\\n", "\n").replace("\\u0000", "\u0000").replace("\\u0001", "\u0001");
    }
}
