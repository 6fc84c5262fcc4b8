package dev.ferry.demo;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import java.io.ByteArrayOutputStream;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.WebSocket;
import java.nio.ByteBuffer;
import java.time.Duration;
import java.util.Random;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

class DemoOriginWebSocketTest {

    private static DemoOrigin origin;
    private static HttpClient client;
    private Echoes echoes;
    private WebSocket socket;

    @BeforeAll
    static void start() throws InterruptedException {
        origin = DemoOrigin.start(DemoOrigin.Options.defaults().withKeepAliveIdleClose(Duration.ofMillis(50)));
        client = HttpClient.newHttpClient();
    }

    @AfterAll
    static void stop() {
        origin.stop();
    }

    @BeforeEach
    void connect() throws Exception {
        echoes = new Echoes();
        socket = client.newWebSocketBuilder()
                .buildAsync(URI.create("ws://127.0.0.1:" + origin.port() + "/ws"), echoes)
                .get(5, TimeUnit.SECONDS);
    }

    @AfterEach
    void disconnect() {
        socket.abort();
    }

    @Test
    void echoesText() throws Exception {
        socket.sendText("hello", true).get(5, TimeUnit.SECONDS);
        assertThat(echoes.next()).isEqualTo("hello");
    }

    @Test
    void echoesAOneMebibyteBinaryMessage() throws Exception {
        byte[] message = new byte[1024 * 1024];
        new Random(7).nextBytes(message);
        socket.sendBinary(ByteBuffer.wrap(message), true).get(5, TimeUnit.SECONDS);
        assertThat((byte[]) echoes.next()).isEqualTo(message);
    }

    @Test
    void echoesATwoMebibyteTextMessageSentInParts() throws Exception {
        String part = "x".repeat(1024 * 1024);
        socket.sendText(part, false).get(5, TimeUnit.SECONDS);
        socket.sendText(part, true).get(5, TimeUnit.SECONDS);
        assertThat(echoes.next()).isEqualTo(part + part);
    }

    @Test
    void outlivesTheHttpIdleTimeoutAndClosesCleanly() throws Exception {
        // the idle closer belongs to HTTP: silences far longer than its 50 ms leave the WebSocket open
        await().during(Duration.ofMillis(300)).atMost(Duration.ofSeconds(2))
                .until(() -> !echoes.closed.isDone() && origin.openConnections() == 1);
        socket.sendPing(ByteBuffer.wrap(new byte[] {1})).get(5, TimeUnit.SECONDS);
        socket.sendText("still here", true).get(5, TimeUnit.SECONDS);
        assertThat(echoes.next()).isEqualTo("still here");

        socket.sendClose(WebSocket.NORMAL_CLOSURE, "bye").get(5, TimeUnit.SECONDS);
        assertThat(echoes.closed.get(5, TimeUnit.SECONDS)).isEqualTo(WebSocket.NORMAL_CLOSURE);
    }

    /** Collects whole messages, text or binary, one at a time. */
    private static final class Echoes implements WebSocket.Listener {

        private final BlockingQueue<Object> messages = new LinkedBlockingQueue<>();
        private final CompletableFuture<Integer> closed = new CompletableFuture<>();
        private final StringBuilder text = new StringBuilder();
        private final ByteArrayOutputStream binary = new ByteArrayOutputStream();

        Object next() throws InterruptedException {
            Object message = messages.poll(5, TimeUnit.SECONDS);
            assertThat(message).as("an echo within 5 s").isNotNull();
            return message;
        }

        @Override
        public CompletionStage<?> onText(WebSocket webSocket, CharSequence data, boolean last) {
            text.append(data);
            if (last) {
                messages.add(text.toString());
                text.setLength(0);
            }
            webSocket.request(1);
            return null;
        }

        @Override
        public CompletionStage<?> onBinary(WebSocket webSocket, ByteBuffer data, boolean last) {
            byte[] bytes = new byte[data.remaining()];
            data.get(bytes);
            binary.writeBytes(bytes);
            if (last) {
                messages.add(binary.toByteArray());
                binary.reset();
            }
            webSocket.request(1);
            return null;
        }

        @Override
        public CompletionStage<?> onClose(WebSocket webSocket, int statusCode, String reason) {
            closed.complete(statusCode);
            return null;
        }

        @Override
        public void onError(WebSocket webSocket, Throwable error) {
            closed.completeExceptionally(error);
        }
    }
}
