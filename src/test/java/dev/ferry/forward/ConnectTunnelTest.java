package dev.ferry.forward;

import static java.nio.charset.StandardCharsets.US_ASCII;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import dev.ferry.demo.DemoOrigin;
import dev.ferry.demo.RecordedRequest;
import dev.ferry.testing.RawHttp;
import dev.ferry.testing.TcpEchoServer;
import dev.ferry.testing.TestFerry;
import dev.ferry.testing.TestTls;
import java.io.FilterInputStream;
import java.io.FilterOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.ProxySelector;
import java.net.ServerSocket;
import java.net.Socket;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.security.MessageDigest;
import java.time.Duration;
import java.util.HexFormat;
import java.util.concurrent.TimeUnit;
import javax.net.ssl.SSLParameters;
import javax.net.ssl.SSLSocket;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/** CONNECT tunnels through the forward proxy, to a TLS origin and to a plain TCP echo server. */
class ConnectTunnelTest {

    private static DemoOrigin tlsOrigin;
    private static TcpEchoServer echo;
    private static int closedPort;
    private static TestFerry ferry;

    @BeforeAll
    static void start() throws Exception {
        tlsOrigin = DemoOrigin.start(DemoOrigin.Options.defaults().withTls(TestTls.serverContext()));
        echo = TcpEchoServer.start();
        closedPort = freePort();
        ferry = TestFerry.start("""
                listeners:
                  - name: fwd
                    bind: 127.0.0.1:0
                    forward_proxy:
                      connect_ports: [%d, %d, %d]
                      allow_loopback_targets: true
                """.formatted(tlsOrigin.port(), echo.port(), closedPort));
    }

    @AfterAll
    static void stop() throws IOException {
        // Servers first: closing their side ends the tunnels the JDK client still keeps, so Ferry's
        // shutdown does not wait out its drain timeout for them.
        tlsOrigin.close();
        echo.close();
        ferry.close();
    }

    @BeforeEach
    void reset() {
        tlsOrigin.reset();
        echo.reset();
    }

    private static HttpClient httpsClient() {
        return HttpClient.newBuilder()
                .proxy(ProxySelector.of(ferry.address("fwd")))
                .sslContext(TestTls.trustingClientContext())
                .version(HttpClient.Version.HTTP_1_1)
                .connectTimeout(Duration.ofSeconds(5))
                .build();
    }

    private String httpsUrl(String path) {
        return "https://localhost:" + tlsOrigin.port() + path;
    }

    @Test
    void jdkClientGetsHttpsThroughTheTunnel() throws Exception {
        HttpResponse<String> response = httpsClient().send(
                HttpRequest.newBuilder(URI.create(httpsUrl("/echo?via=tunnel"))).build(),
                HttpResponse.BodyHandlers.ofString());

        assertThat(response.statusCode()).isEqualTo(200);
        assertThat(response.body()).contains("\"uri\"", "/echo?via=tunnel");
        RecordedRequest seen = tlsOrigin.requests().get(0);
        assertThat(seen.uri()).isEqualTo("/echo?via=tunnel");
        // Ferry only relays bytes inside a tunnel: it cannot (and must not) add its Via.
        assertThat(seen.header("via")).isNull();
        assertThat(response.headers().firstValue("via")).isEmpty();
    }

    @Test
    void rawConnectThenTlsHandshakeThenHttpInside() throws Exception {
        try (RawHttp raw = new RawHttp(ferry.port("fwd"))) {
            String authority = "localhost:" + tlsOrigin.port();
            raw.send("CONNECT " + authority + " HTTP/1.1\r\nHost: " + authority + "\r\n\r\n");
            RawHttp.Response established = raw.readHead();
            assertThat(established.statusLine()).startsWith("HTTP/1.1 200");

            SSLSocket tls = startTls(raw.socket(), "localhost", tlsOrigin.port());
            assertThat(tls.getSession().getPeerPrincipal().getName()).contains("localhost");
            RawHttp https = RawHttp.over(tls);
            for (int i = 0; i < 2; i++) {
                https.send("GET /small HTTP/1.1\r\nHost: " + authority + "\r\n\r\n");
                RawHttp.Response response = https.read();
                assertThat(response.status()).isEqualTo(200);
                assertThat(response.body()).hasSize(1024);
            }
        }
        // Both requests on the one tunnelled connection.
        assertThat(tlsOrigin.connectionsAccepted()).isEqualTo(1);
        assertThat(tlsOrigin.requestsReceived()).isEqualTo(2);
    }

    @Test
    void fiveMebibyteDownloadThroughTheTunnelIsIntact() throws Exception {
        long size = 5L << 20;
        HttpResponse<InputStream> response = httpsClient().send(
                HttpRequest.newBuilder(URI.create(httpsUrl("/bytes/5m"))).build(),
                HttpResponse.BodyHandlers.ofInputStream());
        assertThat(response.statusCode()).isEqualTo(200);
        MessageDigest digest = MessageDigest.getInstance("SHA-256");
        long total = 0;
        try (InputStream in = response.body()) {
            byte[] buffer = new byte[64 * 1024];
            int n;
            while ((n = in.read(buffer)) > 0) {
                digest.update(buffer, 0, n);
                total += n;
            }
        }
        assertThat(total).isEqualTo(size);
        assertThat(HexFormat.of().formatHex(digest.digest())).isEqualTo(DemoOrigin.expectedSha256(size));
    }

    @Test
    void connectToAPortNotInConnectPortsIsForbiddenAndTheConnectionStaysHttp() throws Exception {
        try (TcpEchoServer unlisted = TcpEchoServer.start(); RawHttp raw = new RawHttp(ferry.port("fwd"))) {
            raw.send(connectHead("127.0.0.1:" + unlisted.port()));
            RawHttp.Response refused = raw.read();
            assertThat(refused.status()).isEqualTo(403);
            assertThat(refused.bodyText()).contains("port " + unlisted.port());
            assertThat(unlisted.connectionsAccepted()).isZero();

            // The refusal did not end the connection: a CONNECT to an allowed port still works on it.
            raw.send(connectHead("127.0.0.1:" + echo.port()));
            assertThat(raw.readHead().status()).isEqualTo(200);
            raw.send("ping");
            assertThat(readExactly(raw.socket(), 4)).isEqualTo("ping");
        }
    }

    @Test
    void connectToAClosedPortIsBadGateway() throws Exception {
        try (RawHttp raw = new RawHttp(ferry.port("fwd"))) {
            raw.send(connectHead("127.0.0.1:" + closedPort));
            RawHttp.Response response = raw.read();
            assertThat(response.status()).isEqualTo(502);
            assertThat(response.bodyText()).isEqualTo("upstream refused the connection\n");
        }
    }

    @Test
    void bytesInTheSameWriteAsTheConnectHeadAreRelayed() throws Exception {
        try (RawHttp raw = new RawHttp(ferry.port("fwd"))) {
            raw.send(connectHead("127.0.0.1:" + echo.port()) + "early bytes\n");
            assertThat(raw.readHead().status()).isEqualTo(200);
            assertThat(readExactly(raw.socket(), 12)).isEqualTo("early bytes\n");
        }
    }

    @Test
    void tlsClientHelloInTheSameWriteAsTheConnectHeadIsRelayed() throws Exception {
        String authority = "localhost:" + tlsOrigin.port();
        try (ConnectInFirstWrite socket = new ConnectInFirstWrite(ferry.port("fwd"), authority)) {
            SSLSocket tls = startTls(socket, "localhost", tlsOrigin.port());
            assertThat(socket.firstWrite[0]).isEqualTo(socket.head.length() + socket.firstPayloadLength);
            assertThat(socket.firstPayloadByte).as("a TLS handshake record").isEqualTo(0x16);
            assertThat(socket.answer).startsWith("HTTP/1.1 200");

            RawHttp https = RawHttp.over(tls);
            https.send("GET /small HTTP/1.1\r\nHost: " + authority + "\r\n\r\n");
            assertThat(https.read().body()).hasSize(1024);
        }
    }

    @Test
    void whenTheServerClosesTheClientGetsWhatItSentThenTheClose() throws Exception {
        try (RawHttp raw = new RawHttp(ferry.port("fwd"))) {
            TcpEchoServer.Connection server = openEchoTunnel(raw);
            server.send("bye".getBytes(US_ASCII));
            server.close();

            assertThat(readExactly(raw.socket(), 3)).isEqualTo("bye");
            assertThat(raw.closedByPeer()).isTrue();
        }
    }

    @Test
    void whenTheClientClosesTheServerSeesEndOfStream() throws Exception {
        TcpEchoServer.Connection server;
        try (RawHttp raw = new RawHttp(ferry.port("fwd"))) {
            server = openEchoTunnel(raw);
        }
        server.closedByPeer().get(5, TimeUnit.SECONDS);
        assertThat(server.bytesReceived()).isEqualTo(5);
    }

    @Test
    void anIdleTunnelIsClosedAfterTheTunnelTimeoutButAnActiveOneIsNot() throws Exception {
        try (TestFerry shortTunnels = TestFerry.start("""
                listeners:
                  - name: fwd
                    bind: 127.0.0.1:0
                    forward_proxy:
                      connect_ports: [%d]
                      allow_loopback_targets: true
                      timeouts: { tunnel: 300ms }
                """.formatted(echo.port()));
             RawHttp raw = new RawHttp(shortTunnels.port("fwd"))) {
            TcpEchoServer.Connection server = openEchoTunnel(raw);

            // Traffic every 100 ms for 900 ms: the timeout counts idle time, not the tunnel's age.
            await().during(Duration.ofMillis(900)).atMost(Duration.ofSeconds(3))
                    .pollInterval(Duration.ofMillis(100))
                    .until(() -> {
                        raw.send("k");
                        return readExactly(raw.socket(), 1).equals("k");
                    });

            long idleSince = System.nanoTime();
            assertThat(raw.closedByPeer()).isTrue();
            long idleMillis = TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - idleSince);
            assertThat(idleMillis).isBetween(250L, 3000L);
            server.closedByPeer().get(5, TimeUnit.SECONDS);
        }
    }

    /** Opens a tunnel to the echo server, checks it relays both ways, and returns the server side. */
    private static TcpEchoServer.Connection openEchoTunnel(RawHttp raw) throws Exception {
        raw.send(connectHead("127.0.0.1:" + echo.port()));
        assertThat(raw.readHead().status()).isEqualTo(200);
        raw.send("hello");
        assertThat(readExactly(raw.socket(), 5)).isEqualTo("hello");
        return echo.nextConnection();
    }

    private static String connectHead(String authority) {
        return "CONNECT " + authority + " HTTP/1.1\r\nHost: " + authority + "\r\n\r\n";
    }

    private static String readExactly(Socket socket, int n) throws IOException {
        byte[] bytes = socket.getInputStream().readNBytes(n);
        return new String(bytes, US_ASCII);
    }

    /** A client TLS session over {@code socket}, verifying the certificate and host name. */
    private static SSLSocket startTls(Socket socket, String host, int port) throws IOException {
        SSLSocket tls = (SSLSocket) TestTls.trustingClientContext().getSocketFactory()
                .createSocket(socket, host, port, true);
        SSLParameters parameters = tls.getSSLParameters();
        parameters.setEndpointIdentificationAlgorithm("HTTPS");
        tls.setSSLParameters(parameters);
        tls.setSoTimeout(5000);
        tls.startHandshake();
        return tls;
    }

    private static int freePort() throws IOException {
        try (ServerSocket socket = new ServerSocket(0)) {
            return socket.getLocalPort();
        }
    }

    /**
     * A socket to the proxy that sends a CONNECT head together with whatever is written first (a
     * TLS ClientHello when an SSLSocket is layered on it), in one write, as eager clients do; the
     * first read consumes the proxy's answer before handing on the tunnelled bytes.
     */
    private static final class ConnectInFirstWrite extends Socket {
        final String head;
        final int[] firstWrite = {-1};
        int firstPayloadLength = -1;
        int firstPayloadByte = -1;
        volatile String answer;

        ConnectInFirstWrite(int proxyPort, String authority) throws IOException {
            super("127.0.0.1", proxyPort);
            this.head = connectHead(authority);
            setSoTimeout(5000);
        }

        @Override
        public OutputStream getOutputStream() throws IOException {
            OutputStream raw = super.getOutputStream();
            return new FilterOutputStream(raw) {
                @Override
                public void write(int b) throws IOException {
                    write(new byte[] {(byte) b}, 0, 1);
                }

                @Override
                public void write(byte[] b, int off, int len) throws IOException {
                    synchronized (ConnectInFirstWrite.this) {
                        if (firstWrite[0] < 0) {
                            byte[] both = new byte[head.length() + len];
                            System.arraycopy(head.getBytes(US_ASCII), 0, both, 0, head.length());
                            System.arraycopy(b, off, both, head.length(), len);
                            firstWrite[0] = both.length;
                            firstPayloadLength = len;
                            firstPayloadByte = len > 0 ? b[off] & 0xFF : -1;
                            raw.write(both);
                            return;
                        }
                    }
                    raw.write(b, off, len);
                }
            };
        }

        @Override
        public InputStream getInputStream() throws IOException {
            InputStream raw = super.getInputStream();
            return new FilterInputStream(raw) {
                @Override
                public int read() throws IOException {
                    readAnswer(raw);
                    return raw.read();
                }

                @Override
                public int read(byte[] b, int off, int len) throws IOException {
                    readAnswer(raw);
                    return raw.read(b, off, len);
                }

                @Override
                public int available() throws IOException {
                    return answer == null ? 0 : raw.available();
                }
            };
        }

        private synchronized void readAnswer(InputStream raw) throws IOException {
            if (answer != null) {
                return;
            }
            StringBuilder text = new StringBuilder();
            while (text.length() < 4 || !text.substring(text.length() - 4).equals("\r\n\r\n")) {
                int b = raw.read();
                if (b < 0) {
                    throw new IOException("proxy closed the connection: " + text);
                }
                text.append((char) b);
            }
            answer = text.toString();
            if (!answer.startsWith("HTTP/1.1 200")) {
                throw new IOException("proxy refused the tunnel: " + answer);
            }
        }
    }
}
