package dev.ferry.http2;

import static org.assertj.core.api.Assertions.assertThat;

import dev.ferry.demo.DemoOrigin;
import dev.ferry.testing.RawHttp2;
import dev.ferry.testing.TestFerry;
import io.netty.handler.codec.http2.Http2Error;
import java.time.Duration;
import java.util.concurrent.CompletableFuture;
import org.junit.jupiter.api.Test;

/**
 * A graceful shutdown sends GOAWAY to HTTP/2 clients: streams already open finish, none is
 * accepted after, then the connection closes.
 */
class GracefulShutdownTest {

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
                Thread.sleep(200);
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
}
