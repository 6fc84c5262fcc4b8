package dev.ferry.http2;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import dev.ferry.demo.DemoOrigin;
import dev.ferry.testing.RawHttp2;
import dev.ferry.testing.TestFerry;
import io.netty.handler.codec.http2.Http2Error;
import java.io.IOException;
import java.time.Duration;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * Rapid reset (CVE-2023-44487), CONTINUATION floods (CVE-2024-27316) and PING floods end the
 * abusing connection with GOAWAY, within a bounded number of frames, while another client on
 * another connection keeps being served throughout.
 */
class FloodDefenceTest {

    private static final int MAX_RESETS = 50;

    private static DemoOrigin origin;
    private static TestFerry ferry;

    @BeforeAll
    static void start() throws Exception {
        origin = DemoOrigin.start(DemoOrigin.Options.defaults());
        ferry = TestFerry.start("""
                listeners:
                  - name: edge
                    bind: 127.0.0.1:0
                    http2: { h2c: true, max_resets: %d, reset_window: 10s }
                    routes: [ { name: all, upstream: app } ]
                upstreams:
                  app: { servers: [ "127.0.0.1:%d" ] }
                """.formatted(MAX_RESETS, origin.port()));
    }

    @AfterAll
    static void stop() {
        ferry.close();
        origin.close();
    }

    private int port() {
        return ferry.port("edge");
    }

    /** A well-behaved HTTP/2 client on its own connection, requesting while the flood goes on. */
    private final class Bystander implements AutoCloseable {
        private final ExecutorService executor = Executors.newSingleThreadExecutor();
        private final AtomicInteger served = new AtomicInteger();
        private volatile boolean stop;
        private Future<?> loop;

        Bystander start() {
            loop = executor.submit(() -> {
                try (RawHttp2 client = new RawHttp2(port())) {
                    int stream = 1;
                    while (!stop) {
                        client.headers(stream, RawHttp2.request("GET", "/small", port()), true);
                        RawHttp2.Response response = client.next(Duration.ofSeconds(5));
                        assertThat(response).isNotNull();
                        assertThat(response.status()).isEqualTo(200);
                        served.incrementAndGet();
                        stream += 2;
                    }
                }
                return null;
            });
            return this;
        }

        int served() {
            return served.get();
        }

        @Override
        public void close() throws Exception {
            stop = true;
            loop.get(10, TimeUnit.SECONDS);
            executor.shutdownNow();
        }
    }

    @Test
    void aRapidResetFloodIsCutOffWithEnhanceYourCalm() throws Exception {
        try (Bystander bystander = new Bystander().start(); RawHttp2 attacker = new RawHttp2(port())) {
            int sent = 0;
            try {
                for (int stream = 1; sent < 1_000_000 && attacker.goAway() == null; stream += 2, sent++) {
                    attacker.headers(stream, RawHttp2.request("GET", "/delay/1000", port()), true);
                    attacker.reset(stream, Http2Error.CANCEL.code());
                }
            } catch (IOException e) {
                // the server closed the connection while we were still writing
            }
            RawHttp2.GoAway goAway = attacker.awaitGoAway(Duration.ofSeconds(5));

            assertThat(goAway).isNotNull();
            assertThat(goAway.errorCode()).isEqualTo(Http2Error.ENHANCE_YOUR_CALM.code());
            assertThat(attacker.awaitClosed(Duration.ofSeconds(5))).isTrue();
            // Cut off after about max_resets resets: what the attacker wrote before it saw the GOAWAY is that
            // plus what the loopback socket buffers hold (a few thousand pairs on a slow machine), far from
            // the million it would write unopposed.
            assertThat(sent).isLessThan(100_000);
            int before = bystander.served();
            await().atMost(Duration.ofSeconds(5)).until(() -> bystander.served() > before);
        }
    }

    @Test
    void anEndlessSequenceOfSmallContinuationFramesIsCutOff() throws Exception {
        try (Bystander bystander = new Bystander().start(); RawHttp2 attacker = new RawHttp2(port())) {
            attacker.headersBegin(1, RawHttp2.request("GET", "/small", port()));
            int sent = 0;
            try {
                while (sent < 1_000_000 && attacker.goAway() == null) {
                    attacker.continuation(1, new byte[0]);
                    sent++;
                }
            } catch (IOException e) {
                // closed by the server
            }
            RawHttp2.GoAway goAway = attacker.awaitGoAway(Duration.ofSeconds(5));

            assertThat(goAway).isNotNull();
            assertThat(goAway.errorCode()).as(goAway.debug()).isEqualTo(Http2Error.ENHANCE_YOUR_CALM.code());
            assertThat(attacker.awaitClosed(Duration.ofSeconds(5))).isTrue();
            assertThat(sent).isLessThan(1_000_000);
            int before = bystander.served();
            await().atMost(Duration.ofSeconds(5)).until(() -> bystander.served() > before);
        }
    }

    @Test
    void continuationFramesThatGrowTheHeaderBlockWithoutEndAreCutOffAtTheSizeLimit() throws Exception {
        try (Bystander bystander = new Bystander().start(); RawHttp2 attacker = new RawHttp2(port())) {
            attacker.headersBegin(1, RawHttp2.request("GET", "/small", port()));
            // Literal header fields without indexing, 4 KiB each: the block only ever grows.
            byte[] fragment = new byte[4096];
            java.util.Arrays.fill(fragment, (byte) 'a');
            long bytes = 0;
            try {
                while (bytes < 1L << 30 && attacker.goAway() == null) {
                    attacker.continuation(1, fragment);
                    bytes += fragment.length;
                }
            } catch (IOException e) {
                // closed by the server
            }
            RawHttp2.GoAway goAway = attacker.awaitGoAway(Duration.ofSeconds(5));

            assertThat(goAway).isNotNull();
            assertThat(goAway.errorCode()).isIn(Http2Error.ENHANCE_YOUR_CALM.code(), Http2Error.PROTOCOL_ERROR.code(),
                    Http2Error.COMPRESSION_ERROR.code());
            assertThat(attacker.awaitClosed(Duration.ofSeconds(5))).isTrue();
            // Cut off at max_header_list_size (16 KiB by default): what the attacker got written before it
            // saw the GOAWAY is that plus the loopback socket buffers, never the gigabyte it tried.
            assertThat(bytes).isLessThan(16L << 20);
            int before = bystander.served();
            await().atMost(Duration.ofSeconds(5)).until(() -> bystander.served() > before);
        }
    }

    @Test
    void aPingFloodFromAClientThatReadsNothingIsCutOff() throws Exception {
        try (RawHttp2 attacker = new RawHttp2(port())) {
            // The client never reads: PING ACKs pile up in Ferry until the control-frame limit.
            attacker.pauseReading();
            int sent = 0;
            try {
                while (sent < 2_000_000 && !attacker.closed()) {
                    attacker.ping(sent);
                    sent++;
                }
            } catch (IOException e) {
                // closed by the server
            }
            assertThat(sent).isLessThan(2_000_000);
        }
        // Ferry still serves.
        try (RawHttp2 client = new RawHttp2(port())) {
            client.headers(1, RawHttp2.request("GET", "/small", port()), true);
            assertThat(client.next(Duration.ofSeconds(5)).status()).isEqualTo(200);
        }
    }
}
