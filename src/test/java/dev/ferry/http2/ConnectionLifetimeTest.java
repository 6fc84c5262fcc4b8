package dev.ferry.http2;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import dev.ferry.demo.DemoOrigin;
import dev.ferry.testing.RawHttp2;
import dev.ferry.testing.TestFerry;
import io.netty.handler.codec.http2.Http2Error;
import java.time.Duration;
import java.util.concurrent.CompletableFuture;
import org.junit.jupiter.api.Test;

/**
 * How an HTTP/2 connection ends: a graceful shutdown sends GOAWAY and lets open streams finish;
 * a connection without streams for {@code idle_timeout} gets GOAWAY and is closed.
 */
class ConnectionLifetimeTest {

    @Test
    void openStreamsFinishAfterGoAway() throws Exception {
        try (DemoOrigin origin = DemoOrigin.start(DemoOrigin.Options.defaults())) {
            TestFerry ferry = TestFerry.start("""
                    server: { drain_timeout: 10s }
                    listeners:
                      - name: edge
                        bind: 127.0.0.1:0
                        http2: { h2c: true }
                        routes: [ { name: all, upstream: app } ]
                    upstreams:
                      app: { servers: [ "127.0.0.1:%d" ] }
                    """.formatted(origin.port()));
            int port = ferry.port("edge");
            try (RawHttp2 client = new RawHttp2(port)) {
                client.headers(1, RawHttp2.request("GET", "/delay/1000", port), true);
                await().atMost(Duration.ofSeconds(5)).until(() -> origin.requestsReceived() == 1);
                CompletableFuture<Void> shutdown = CompletableFuture.runAsync(
                        () -> ferry.server().shutdown(Duration.ofSeconds(10)));

                RawHttp2.GoAway goAway = client.awaitGoAway(Duration.ofSeconds(5));
                assertThat(goAway).isNotNull();
                assertThat(goAway.errorCode()).isEqualTo(Http2Error.NO_ERROR.code());
                assertThat(goAway.lastStreamId()).isEqualTo(1);
                assertThat(client.closed()).isFalse();

                RawHttp2.Response response = client.next(Duration.ofSeconds(5));
                assertThat(response.streamId()).isEqualTo(1);
                assertThat(response.status()).isEqualTo(200);
                assertThat(new String(response.body())).isEqualTo("delayed\n");
                assertThat(client.awaitClosed(Duration.ofSeconds(5))).isTrue();
                shutdown.get();
            }
        }
    }

    @Test
    void aConnectionWithoutStreamsIsClosedAfterTheIdleTimeout() throws Exception {
        try (DemoOrigin origin = DemoOrigin.start(DemoOrigin.Options.defaults());
             TestFerry ferry = TestFerry.start("""
                     limits: { idle_timeout: 500ms }
                     listeners:
                       - name: edge
                         bind: 127.0.0.1:0
                         http2: { h2c: true }
                         routes: [ { name: all, upstream: app } ]
                     upstreams:
                       app: { servers: [ "127.0.0.1:%d" ] }
                     """.formatted(origin.port()));
             RawHttp2 client = new RawHttp2(ferry.port("edge"))) {
            int port = ferry.port("edge");
            // A stream longer than the idle timeout keeps the connection open.
            client.headers(1, RawHttp2.request("GET", "/delay/800", port), true);
            assertThat(client.next(Duration.ofSeconds(5)).status()).isEqualTo(200);
            assertThat(client.goAway()).isNull();

            RawHttp2.GoAway goAway = client.awaitGoAway(Duration.ofSeconds(5));
            assertThat(goAway).isNotNull();
            assertThat(goAway.errorCode()).isEqualTo(Http2Error.NO_ERROR.code());
            assertThat(client.awaitClosed(Duration.ofSeconds(5))).isTrue();
        }
    }
}
