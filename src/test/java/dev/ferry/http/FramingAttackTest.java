package dev.ferry.http;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import dev.ferry.demo.DemoOrigin;
import dev.ferry.testing.RawHttp;
import dev.ferry.testing.TestFerry;
import java.time.Duration;
import java.util.stream.Stream;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * Request smuggling and framing attacks sent, over a raw socket, through a running forward proxy
 * to a real origin. For each one Ferry must answer the right error, close the connection (where
 * the next request would start is in doubt), and pass nothing on: the origin must not see a
 * single byte.
 *
 * <p>Each case gets a fresh origin, so no pooled upstream connection from an earlier case can make
 * its counters ambiguous. Cases whose head is valid and whose body is malformed ({@code inBody})
 * do make Ferry start connecting before the body error is found; for those the test waits until
 * that connection was opened and closed again, and only then checks that nothing was sent on it.
 */
class FramingAttackTest {

    /** The placeholder for the origin's {@code host:port} in the request templates. */
    private static final String ORIGIN = "{origin}";

    private static TestFerry ferry;
    private DemoOrigin origin;

    @BeforeAll
    static void startFerry() {
        ferry = TestFerry.start("""
                listeners:
                  - name: fwd
                    bind: 127.0.0.1:0
                    forward_proxy:
                      allow_loopback_targets: true
                limits:
                  max_header_size: 2KiB
                """);
    }

    @AfterAll
    static void stopFerry() {
        ferry.close();
    }

    @BeforeEach
    void startOrigin() throws Exception {
        origin = DemoOrigin.start(DemoOrigin.Options.defaults());
    }

    @AfterEach
    void stopOrigin() {
        origin.close();
    }

    static Stream<Arguments> attacks() {
        String head = "POST http://{origin}/echo HTTP/1.1\r\nHost: {origin}\r\n";
        String chunkedHead = head + "Transfer-Encoding: chunked\r\n\r\n";
        return Stream.of(
                // ---- message body length, RFC 9112 §6 ----
                attack("RFC 9112 §6.3 (3): Content-Length and Transfer-Encoding together", 400, false,
                        head + "Content-Length: 5\r\nTransfer-Encoding: chunked\r\n\r\n5\r\nhello\r\n0\r\n\r\n"),
                attack("RFC 9112 §6.3 (3): Transfer-Encoding before Content-Length", 400, false,
                        head + "Transfer-Encoding: chunked\r\nContent-Length: 5\r\n\r\n5\r\nhello\r\n0\r\n\r\n"),
                attack("RFC 9112 §6.3 (5): two Content-Length fields that differ", 400, false,
                        head + "Content-Length: 5\r\nContent-Length: 6\r\n\r\nhello!"),
                attack("RFC 9112 §6.3 (5): one Content-Length field listing differing values", 400, false,
                        head + "Content-Length: 5, 6\r\n\r\nhello!"),
                attack("RFC 9112 §6.3 (5): Content-Length with a sign", 400, false,
                        head + "Content-Length: +5\r\n\r\nhello"),
                attack("RFC 9112 §6.3 (4): Transfer-Encoding 'chunked, identity' (chunked not final)", 400, false,
                        head + "Transfer-Encoding: chunked, identity\r\n\r\n5\r\nhello\r\n0\r\n\r\n"),
                attack("RFC 9112 §6.3 (4): Transfer-Encoding 'xchunked'", 400, false,
                        head + "Transfer-Encoding: xchunked\r\n\r\n5\r\nhello\r\n0\r\n\r\n"),
                attack("RFC 9112 §7: chunked applied twice, in two Transfer-Encoding fields", 400, false,
                        head + "Transfer-Encoding: chunked\r\nTransfer-Encoding: chunked\r\n\r\n"
                                + "5\r\nhello\r\n0\r\n\r\n"),
                attack("RFC 9112 §7: chunked applied twice, in one Transfer-Encoding field", 400, false,
                        head + "Transfer-Encoding: chunked, chunked\r\n\r\n5\r\nhello\r\n0\r\n\r\n"),
                attack("RFC 9112 §6.1: Transfer-Encoding in an HTTP/1.0 request", 400, false,
                        "POST http://{origin}/echo HTTP/1.0\r\nHost: {origin}\r\nTransfer-Encoding: chunked\r\n\r\n"
                                + "5\r\nhello\r\n0\r\n\r\n"),
                attack("RFC 9112 §6.1: unknown transfer coding 'gzip, chunked' is 501", 501, false,
                        head + "Transfer-Encoding: gzip, chunked\r\n\r\n5\r\nhello\r\n0\r\n\r\n"),

                // ---- chunked coding, RFC 9112 §7.1; the body arrives in the same packet as the head ----
                attack("RFC 9112 §7.1: chunk size 'zz' is not hex", 400, true,
                        chunkedHead + "zz\r\nhello\r\n0\r\n\r\n"),
                attack("RFC 9112 §7.1: chunk size '+5' has a sign", 400, true,
                        chunkedHead + "+5\r\nhello\r\n0\r\n\r\n"),
                attack("RFC 9112 §7.1: chunk size '0x5' has a prefix", 400, true,
                        chunkedHead + "0x5\r\nhello\r\n0\r\n\r\n"),
                attack("RFC 9112 §7.1: chunk size overflowing 64 bits", 400, true,
                        chunkedHead + "1FFFFFFFFFFFFFFFF\r\nhello\r\n0\r\n\r\n"),
                attack("RFC 9112 §7.1: junk instead of CRLF after chunk data", 400, true,
                        chunkedHead + "5\r\nhelloXX\r\n0\r\n\r\n"),

                // ---- field syntax, RFC 9112 §2.2 and §5 ----
                attack("RFC 9112 §5.2: obs-fold (a header continued on the next line)", 400, false,
                        head + "Content-Length: 5\r\nX-Folded: first\r\n second\r\n\r\nhello"),
                attack("RFC 9112 §5.1: whitespace between field name and colon", 400, false,
                        head + "Transfer-Encoding : chunked\r\n\r\n5\r\nhello\r\n0\r\n\r\n"),
                attack("RFC 9112 §2.2: bare CR inside a field value", 400, false,
                        head + "X-Split: a\rContent-Length: 5\r\n\r\nhello"),
                attack("RFC 9112 §2.2: bare LF as a line terminator", 400, false,
                        head + "X-Split: a\nContent-Length: 5\r\n\r\nhello"),
                attack("RFC 9110 §5.5: NUL in a field value", 400, false,
                        head + "X-Nul: a\0b\r\n\r\n"),

                // ---- Host, RFC 9112 §3.2 ----
                attack("RFC 9112 §3.2: HTTP/1.1 request without Host", 400, false,
                        "GET http://{origin}/small HTTP/1.1\r\n\r\n"),
                attack("RFC 9112 §3.2: two Host fields", 400, false,
                        "GET http://{origin}/small HTTP/1.1\r\nHost: {origin}\r\nHost: other.example\r\n\r\n"),

                // ---- request line and size ----
                attack("RFC 9110 §15.6.6: HTTP/2.0 in an HTTP/1 request line is 505", 505, false,
                        "GET http://{origin}/small HTTP/2.0\r\nHost: {origin}\r\n\r\n"),
                attack("RFC 9112 §3: request target longer than max_header_size is 414", 414, false,
                        "GET http://{origin}/small?q=" + "a".repeat(3 * 1024) + " HTTP/1.1\r\nHost: {origin}\r\n\r\n"),
                attack("RFC 6585 §5: header section larger than max_header_size is 431", 431, false,
                        "GET http://{origin}/small HTTP/1.1\r\nHost: {origin}\r\nX-Big: " + "b".repeat(3 * 1024)
                                + "\r\n\r\n"));
    }

    private static Arguments attack(String name, int status, boolean inBody, String request) {
        return Arguments.of(name, status, inBody, request);
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("attacks")
    void isRefusedClosedAndNeverReachesTheOrigin(String name, int status, boolean inBody, String template)
            throws Exception {
        String request = template.replace(ORIGIN, "127.0.0.1:" + origin.port());
        try (RawHttp raw = new RawHttp(ferry.port("fwd"))) {
            // One write: for body errors the head and the bad body arrive in the same packet.
            raw.send(request);
            RawHttp.Response response = raw.read();
            assertThat(response.status()).as(name).isEqualTo(status);
            assertThat(response.header("connection")).isEqualToIgnoringCase("close");
            assertThat(raw.closedByPeer()).as("Ferry closes the connection").isTrue();
        }
        if (inBody) {
            // The head was valid, so Ferry began connecting; wait until that connection is gone.
            await().atMost(Duration.ofSeconds(5))
                    .until(() -> origin.connectionsAccepted() == 1 && origin.openConnections() == 0);
        } else {
            assertThat(origin.connectionsAccepted()).isZero();
        }
        assertThat(origin.bytesReceived()).as("bytes the origin received").isZero();
        assertThat(origin.requestsReceived()).as("requests the origin received").isZero();
    }

    /** RFC 9112 §3.2.1: a proxy is sent absolute-form; an origin-form request would make it request itself. */
    @Test
    void originFormRequestOnAForwardOnlyListenerIs400AndReachesNothing() throws Exception {
        try (RawHttp raw = new RawHttp(ferry.port("fwd"))) {
            raw.send("GET /small HTTP/1.1\r\nHost: 127.0.0.1:" + origin.port() + "\r\n\r\n");
            RawHttp.Response response = raw.read();
            assertThat(response.status()).isEqualTo(400);
            assertThat(response.bodyText()).contains("absolute-form");
        }
        assertThat(origin.connectionsAccepted()).isZero();
        assertThat(origin.bytesReceived()).isZero();
        assertThat(origin.requestsReceived()).isZero();
    }
}
