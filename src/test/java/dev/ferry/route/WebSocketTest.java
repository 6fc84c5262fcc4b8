package dev.ferry.route;

import static org.assertj.core.api.Assertions.assertThat;

import dev.ferry.demo.DemoOrigin;
import dev.ferry.testing.RawHttp;
import dev.ferry.testing.TestFerry;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.WebSocket;
import java.nio.ByteBuffer;
import java.util.Random;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import java.io.ByteArrayOutputStream;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/** WebSocket through the reverse proxy: the tunnel starts only after the server's real 101. */
class WebSocketTest {

    private static DemoOrigin origin;
    private static TestFerry ferry;

    @BeforeAll
    static void start() throws Exception {
        origin = DemoOrigin.start(DemoOrigin.Options.defaults());
        ferry = TestFerry.start("""
                listeners:
                  - name: edge
                    bind: 127.0.0.1:0
                    routes:
                      - name: all
                        upstream: app
                upstreams:
                  app:
                    servers: [ "127.0.0.1:%d" ]
                    timeouts: { tunnel: 5s }
                """.formatted(origin.port()));
    }

    @AfterAll
    static void stop() {
        ferry.close();
        origin.close();
    }

    @Test
    void echoesTextAndAOneMebibyteBinaryMessage() throws Exception {
        Collector collector = new Collector();
        WebSocket ws = HttpClient.newHttpClient().newWebSocketBuilder()
                .buildAsync(URI.create("ws://127.0.0.1:" + ferry.port("edge") + "/ws"), collector)
                .get(5, TimeUnit.SECONDS);
        ws.sendText("hello through ferry", true).get(5, TimeUnit.SECONDS);
        assertThat(collector.messages.poll(5, TimeUnit.SECONDS)).isEqualTo("hello through ferry");

        byte[] big = new byte[1024 * 1024];
        new Random(3).nextBytes(big);
        ws.sendBinary(ByteBuffer.wrap(big), true).get(5, TimeUnit.SECONDS);
        Object echoed = collector.messages.poll(10, TimeUnit.SECONDS);
        assertThat(echoed).isInstanceOf(byte[].class);
        assertThat((byte[]) echoed).isEqualTo(big);
        ws.sendClose(WebSocket.NORMAL_CLOSURE, "bye").get(5, TimeUnit.SECONDS);
    }

    @Test
    void anUpgradeTheServerRefusesIsAnOrdinaryResponse() throws Exception {
        try (RawHttp raw = new RawHttp(ferry.port("edge"))) {
            raw.send("GET /small HTTP/1.1\r\nHost: x\r\nConnection: Upgrade\r\nUpgrade: websocket\r\n"
                    + "Sec-WebSocket-Key: dGhlIHNhbXBsZSBub25jZQ==\r\nSec-WebSocket-Version: 13\r\n\r\n");
            RawHttp.Response response = raw.read();
            assertThat(response.status()).isEqualTo(200);
            assertThat(response.body()).hasSize(1024);
            // Still HTTP: a second request on the same connection works.
            raw.send("GET /small HTTP/1.1\r\nHost: x\r\n\r\n");
            assertThat(raw.read().status()).isEqualTo(200);
        }
    }

    /** Collects whole messages (text as String, binary as byte[]). */
    private static final class Collector implements WebSocket.Listener {
        final LinkedBlockingQueue<Object> messages = new LinkedBlockingQueue<>();
        private final StringBuilder text = new StringBuilder();
        private final ByteArrayOutputStream binary = new ByteArrayOutputStream();

        @Override
        public CompletionStage<?> onText(WebSocket ws, CharSequence data, boolean last) {
            text.append(data);
            if (last) {
                messages.add(text.toString());
                text.setLength(0);
            }
            ws.request(1);
            return CompletableFuture.completedFuture(null);
        }

        @Override
        public CompletionStage<?> onBinary(WebSocket ws, ByteBuffer data, boolean last) {
            byte[] chunk = new byte[data.remaining()];
            data.get(chunk);
            binary.writeBytes(chunk);
            if (last) {
                messages.add(binary.toByteArray());
                binary.reset();
            }
            ws.request(1);
            return CompletableFuture.completedFuture(null);
        }
    }
}
