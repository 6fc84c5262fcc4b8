package dev.ferry.demo;

import static java.nio.charset.StandardCharsets.US_ASCII;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.awaitility.Awaitility.await;

import java.io.UncheckedIOException;
import java.net.ConnectException;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpRequest.BodyPublishers;
import java.net.http.HttpResponse.BodyHandlers;
import java.time.Duration;
import java.util.List;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/** Connection behaviour a proxy's pool depends on: counting, keep-alive, closes, broken replies, stop. */
class DemoOriginConnectionTest {

    private DemoOrigin origin;

    @AfterEach
    void stop() {
        if (origin != null) {
            origin.stop();
        }
    }

    @Test
    void countsConnectionsRequestsAndBytes() throws Exception {
        origin = DemoOrigin.start(DemoOrigin.Options.defaults());
        assertThat(origin.bytesReceived()).isZero();
        HttpClient client = HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1).build();

        for (int i = 0; i < 3; i++) {
            client.send(HttpRequest.newBuilder(uri("/echo?i=" + i)).POST(BodyPublishers.ofString("abc")).build(),
                    BodyHandlers.discarding());
        }

        assertThat(origin.connectionsAccepted()).isEqualTo(1);
        assertThat(origin.requestsReceived()).isEqualTo(3);
        assertThat(origin.bytesReceived()).isGreaterThan(3 * 3);
        List<RecordedRequest> requests = origin.requests();
        assertThat(requests).extracting(RecordedRequest::uri).containsExactly("/echo?i=0", "/echo?i=1", "/echo?i=2");
        RecordedRequest first = requests.get(0);
        assertThat(first.method()).isEqualTo("POST");
        assertThat(first.bodyLength()).isEqualTo(3);
        assertThat(first.bodySha256()).isEqualTo(DemoOriginEndpointsTest.sha256("abc".getBytes(US_ASCII)));
        assertThat(first.header("content-LENGTH")).isEqualTo("3");
        assertThat(first.remote().getAddress().isLoopbackAddress()).isTrue();
        assertThat(requests).extracting(RecordedRequest::connectionId).containsOnly(first.connectionId());

        origin.reset();
        assertThat(origin.connectionsAccepted()).isZero();
        assertThat(origin.requestsReceived()).isZero();
        assertThat(origin.bytesReceived()).isZero();
        assertThat(origin.requests()).isEmpty();
    }

    @Test
    void honoursConnectionClose() throws Exception {
        origin = DemoOrigin.start(DemoOrigin.Options.defaults());
        try (RawConnection connection = new RawConnection(origin.address())) {
            RawConnection.Response response = connection.get("/small", "Connection: close").read();
            assertThat(response.header("Connection")).isEqualTo("close");
            assertThat(connection.closedByPeer()).isTrue();
        }
    }

    @Test
    void closeEndpointsCloseAfterTheResponse() throws Exception {
        origin = DemoOrigin.start(DemoOrigin.Options.defaults());
        try (RawConnection connection = new RawConnection(origin.address())) {
            RawConnection.Response response = connection.get("/close").read();
            assertThat(response.status()).isEqualTo(200);
            assertThat(response.header("Connection")).isEqualTo("close");
            assertThat(connection.closedByPeer()).isTrue();
        }
        try (RawConnection connection = new RawConnection(origin.address())) {
            RawConnection.Response response = connection.get("/close/silent").read();
            assertThat(response.hasHeader("Connection")).isFalse();
            assertThat(connection.closedByPeer()).isTrue();
        }
    }

    @Test
    void brokenEndpointsMisbehaveThenClose() throws Exception {
        origin = DemoOrigin.start(DemoOrigin.Options.defaults());
        try (RawConnection connection = new RawConnection(origin.address())) {
            RawConnection.Response head = connection.get("/broken/cl").readHead();
            assertThat(head.header("Content-Length")).isEqualTo("100");
            assertThat(connection.readToEnd()).hasSize(10);
        }
        try (RawConnection connection = new RawConnection(origin.address())) {
            byte[] raw = connection.get("/broken/header").readToEnd();
            assertThat(new String(raw, US_ASCII)).isEqualTo("HTTP/1.1 200 OK\r\nContent-Length: abc\r\n\r\n");
        }
    }

    @Test
    void pipelinedRequestsAreAnsweredInOrder() throws Exception {
        origin = DemoOrigin.start(DemoOrigin.Options.defaults());
        try (RawConnection connection = new RawConnection(origin.address())) {
            connection.send("GET /delay/100 HTTP/1.1\r\nHost: t\r\n\r\n"
                    + "GET /bytes/100k HTTP/1.1\r\nHost: t\r\n\r\n"
                    + "GET /healthz HTTP/1.1\r\nHost: t\r\n\r\n");

            assertThat(connection.read().text()).isEqualTo("delayed\n");
            assertThat(connection.read().body()).hasSize(100 * 1024);
            assertThat(connection.read().text()).isEqualTo("ok\n");
        }
        assertThat(origin.connectionsAccepted()).isEqualTo(1);
    }

    @Test
    void malformedRequestGetsBadRequestAndClose() throws Exception {
        origin = DemoOrigin.start(DemoOrigin.Options.defaults());
        try (RawConnection connection = new RawConnection(origin.address())) {
            connection.send("GET /small HTTP/1.1\r\nHost: t\r\nContent-Length: x\r\n\r\n");
            assertThat(connection.read().status()).isEqualTo(400);
            assertThat(connection.closedByPeer()).isTrue();
        }
    }

    @Test
    void idleKeepAliveConnectionIsClosed() throws Exception {
        origin = DemoOrigin.start(DemoOrigin.Options.defaults().withKeepAliveIdleClose(Duration.ofMillis(200)));
        try (RawConnection connection = new RawConnection(origin.address())) {
            assertThat(connection.get("/small").read().status()).isEqualTo(200);

            await().atMost(Duration.ofSeconds(5)).until(() -> origin.openConnections() == 0);
            assertThat(connection.closedByPeer()).isTrue();
        }
    }

    @Test
    void slowResponseIsNotMistakenForIdleness() throws Exception {
        origin = DemoOrigin.start(DemoOrigin.Options.defaults().withKeepAliveIdleClose(Duration.ofMillis(100)));
        try (RawConnection connection = new RawConnection(origin.address())) {
            assertThat(connection.get("/delay/400").read().text()).isEqualTo("delayed\n");
        }
    }

    @Test
    void clientReconnectsAfterTheOriginClosedAnIdleConnection() throws Exception {
        origin = DemoOrigin.start(DemoOrigin.Options.defaults().withKeepAliveIdleClose(Duration.ofMillis(100)));
        HttpClient client = HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1).build();

        client.send(HttpRequest.newBuilder(uri("/small")).build(), BodyHandlers.discarding());
        await().atMost(Duration.ofSeconds(5)).until(() -> origin.openConnections() == 0);
        client.send(HttpRequest.newBuilder(uri("/small")).build(), BodyHandlers.discarding());

        assertThat(origin.connectionsAccepted()).isEqualTo(2);
    }

    @Test
    void stopClosesOpenConnectionsAndRefusesNewOnes() throws Exception {
        origin = DemoOrigin.start(DemoOrigin.Options.defaults());
        InetSocketAddress address = origin.address();
        try (RawConnection connection = new RawConnection(address)) {
            assertThat(connection.get("/healthz").read().status()).isEqualTo(200);

            origin.stop();

            assertThat(connection.closedByPeer()).isTrue();
            assertThatThrownBy(() -> new Socket(address.getAddress(), address.getPort()).close())
                    .isInstanceOf(ConnectException.class);
        }
        origin.stop();
    }

    @Test
    void bindFailureIsReported() throws Exception {
        origin = DemoOrigin.start(DemoOrigin.Options.defaults());
        assertThatThrownBy(() -> DemoOrigin.start(DemoOrigin.Options.defaults().withPort(origin.port())))
                .isInstanceOf(UncheckedIOException.class)
                .hasMessageContaining(String.valueOf(origin.port()));
    }

    private URI uri(String path) {
        return URI.create(origin.baseUrl() + path);
    }
}
