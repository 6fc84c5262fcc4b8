package dev.ferry.tcp;

import static java.nio.charset.StandardCharsets.US_ASCII;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import dev.ferry.demo.DemoOrigin;
import dev.ferry.demo.RecordedRequest;
import dev.ferry.testing.RawHttp;
import dev.ferry.testing.TestFerry;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.net.SocketTimeoutException;
import java.nio.ByteBuffer;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * PROXY protocol over real sockets. Sent: an upstream with {@code proxy_protocol: v1|v2} opens
 * every server connection with a header naming the real client, on tcp and on http listeners (the
 * test plays the server and checks the bytes). Received: a listener with {@code proxy_protocol:
 * true} believes a header only from its {@code trusted_proxies} (here 127.0.0.2, a loopback
 * address clients can bind), uses the client it names (seen in {@code X-Forwarded-For} at the
 * origin, and in the header Ferry sends on), refuses a header from anyone else and requires one
 * from a trusted peer.
 */
class ProxyProtocolTest {

    private static final byte[] V2_SIGNATURE = {0x0D, 0x0A, 0x0D, 0x0A, 0x00, 0x0D, 0x0A, 0x51, 0x55, 0x49, 0x54, 0x0A};
    private static final String TRUSTED_PEER = "127.0.0.2";

    private static CaptureServer capture;
    private static DemoOrigin origin;
    private static TestFerry ferry;
    private final List<Socket> clients = new ArrayList<>();

    @BeforeAll
    static void start() throws Exception {
        capture = CaptureServer.start();
        origin = DemoOrigin.start(DemoOrigin.Options.defaults().withName("origin"));
        ferry = TestFerry.start("""
                listeners:
                  - { name: tcp-v1, bind: 127.0.0.1:0, protocol: tcp, upstream: capture_v1 }
                  - { name: tcp-v2, bind: 127.0.0.1:0, protocol: tcp, upstream: capture_v2 }
                  - name: http-v1
                    bind: 127.0.0.1:0
                    routes: [ { name: all, upstream: capture_v1 } ]
                  - name: edge
                    bind: 127.0.0.1:0
                    proxy_protocol: true
                    trusted_proxies: [ %1$s/32 ]
                    routes: [ { name: all, upstream: origin } ]
                  - name: tcp-edge
                    bind: 127.0.0.1:0
                    protocol: tcp
                    proxy_protocol: true
                    trusted_proxies: [ %1$s/32 ]
                    upstream: capture_v1
                upstreams:
                  capture_v1: { servers: [ "127.0.0.1:%2$d" ], proxy_protocol: v1 }
                  capture_v2: { servers: [ "127.0.0.1:%2$d" ], proxy_protocol: v2 }
                  origin: { servers: [ "127.0.0.1:%3$d" ] }
                """.formatted(TRUSTED_PEER, capture.port(), origin.port()));
    }

    @AfterAll
    static void stop() throws IOException {
        capture.close();
        origin.close();
        ferry.close();
    }

    @BeforeEach
    void reset() throws IOException {
        capture.reset();
        origin.reset();
    }

    @AfterEach
    void closeClients() throws IOException {
        for (Socket client : clients) {
            client.close();
        }
    }

    /** A connection to {@code listener} from {@code localAddress}. */
    private Socket connect(String listener, String localAddress) throws IOException {
        Socket socket = new Socket();
        clients.add(socket);
        socket.setSoTimeout(5000);
        socket.bind(new InetSocketAddress(InetAddress.getByName(localAddress), 0));
        socket.connect(ferry.address(listener), 5000);
        return socket;
    }

    private static void send(Socket socket, byte[] bytes) throws IOException {
        OutputStream out = socket.getOutputStream();
        out.write(bytes);
        out.flush();
    }

    private static String read(Socket socket, int n) throws IOException {
        return new String(socket.getInputStream().readNBytes(n), US_ASCII);
    }

    /** True when the peer closed the connection (EOF or reset) before sending anything. */
    private static boolean closedWithoutAWord(Socket socket) throws IOException {
        try {
            return socket.getInputStream().read() == -1;
        } catch (SocketTimeoutException e) {
            return false;
        } catch (IOException e) {
            return true;
        }
    }

    /** A PROXY v2 header for TCP over IPv4, without TLVs. */
    private static byte[] v2(String source, int sourcePort, String destination, int destinationPort) throws IOException {
        ByteBuffer header = ByteBuffer.allocate(28);
        header.put(V2_SIGNATURE).put((byte) 0x21).put((byte) 0x11).putShort((short) 12);
        header.put(InetAddress.getByName(source).getAddress()).put(InetAddress.getByName(destination).getAddress());
        header.putShort((short) sourcePort).putShort((short) destinationPort);
        return header.array();
    }

    private static String v1(String source, int sourcePort, String destination, int destinationPort) {
        return "PROXY TCP4 " + source + " " + destination + " " + sourcePort + " " + destinationPort + "\r\n";
    }

    // ---- sent to servers ----

    @Test
    void aTcpListenerOpensEachServerConnectionWithAProxyV1HeaderNamingTheClient() throws Exception {
        Socket client = connect("tcp-v1", "127.0.0.1");
        send(client, "hello".getBytes(US_ASCII));

        Socket server = capture.next();
        InputStream in = server.getInputStream();
        assertThat(CaptureServer.readLine(in)).isEqualTo(v1("127.0.0.1", client.getLocalPort(), "127.0.0.1",
                ferry.port("tcp-v1")).strip());
        assertThat(new String(in.readNBytes(5), US_ASCII)).isEqualTo("hello");
        send(server, "world".getBytes(US_ASCII));
        assertThat(read(client, 5)).isEqualTo("world");
    }

    @Test
    void aTcpListenerOpensEachServerConnectionWithAProxyV2HeaderNamingTheClient() throws Exception {
        Socket client = connect("tcp-v2", "127.0.0.1");
        send(client, "hello".getBytes(US_ASCII));

        Socket server = capture.next();
        InputStream in = server.getInputStream();
        assertThat(in.readNBytes(28)).isEqualTo(v2("127.0.0.1", client.getLocalPort(), "127.0.0.1",
                ferry.port("tcp-v2")));
        assertThat(new String(in.readNBytes(5), US_ASCII)).isEqualTo("hello");
        send(server, "world".getBytes(US_ASCII));
        assertThat(read(client, 5)).isEqualTo("world");
    }

    @Test
    void anHttpListenerSendsTheHeaderBeforeTheRequest() throws Exception {
        try (RawHttp client = new RawHttp(ferry.port("http-v1"))) {
            client.send("GET /where HTTP/1.1\r\nHost: app.test\r\n\r\n");

            Socket server = capture.next();
            InputStream in = server.getInputStream();
            assertThat(CaptureServer.readLine(in)).isEqualTo(v1("127.0.0.1", client.socket().getLocalPort(),
                    "127.0.0.1", ferry.port("http-v1")).strip());
            assertThat(CaptureServer.readLine(in)).isEqualTo("GET /where HTTP/1.1");
            List<String> headers = new ArrayList<>();
            for (String line = CaptureServer.readLine(in); !line.isEmpty(); line = CaptureServer.readLine(in)) {
                headers.add(line.toLowerCase());
            }
            assertThat(headers).contains("x-forwarded-for: 127.0.0.1");
            send(server, "HTTP/1.1 200 OK\r\nContent-Length: 3\r\n\r\nhi\n".getBytes(US_ASCII));

            RawHttp.Response response = client.read();
            assertThat(response.status()).isEqualTo(200);
            assertThat(response.bodyText()).isEqualTo("hi\n");
        }
    }

    // ---- received from clients ----

    @Test
    void aProxyHeaderFromAnUntrustedPeerIsRefused() throws Exception {
        Socket v1 = connect("edge", "127.0.0.1");
        send(v1, (v1("203.0.113.7", 5555, "127.0.0.1", 80) + "GET /echo HTTP/1.1\r\nHost: a\r\n\r\n").getBytes(US_ASCII));
        assertThat(closedWithoutAWord(v1)).as("v1 header on the http listener").isTrue();

        Socket v2 = connect("edge", "127.0.0.1");
        send(v2, v2("203.0.113.7", 5555, "127.0.0.1", 80));
        send(v2, "GET /echo HTTP/1.1\r\nHost: a\r\n\r\n".getBytes(US_ASCII));
        assertThat(closedWithoutAWord(v2)).as("v2 header on the http listener").isTrue();
        assertThat(origin.requestsReceived()).isZero();

        Socket tcp = connect("tcp-edge", "127.0.0.1");
        send(tcp, (v1("203.0.113.7", 5555, "127.0.0.1", 80) + "hello").getBytes(US_ASCII));
        assertThat(closedWithoutAWord(tcp)).as("v1 header on the tcp listener").isTrue();
        assertThat(capture.connectionsAccepted()).as("connections to the server").isZero();
    }

    @Test
    void anUntrustedPeerWithoutAHeaderIsServedAsItIs() throws Exception {
        try (RawHttp client = new RawHttp(ferry.port("edge"))) {
            RawHttp.Response response = client.send("GET /echo HTTP/1.1\r\nHost: a\r\n\r\n").read();
            assertThat(response.status()).isEqualTo(200);
        }
        assertThat(forwardedFor()).isEqualTo("127.0.0.1");
    }

    @Test
    void aTrustedPeerMustSendAHeader() throws Exception {
        Socket socket = connect("edge", TRUSTED_PEER);
        send(socket, "GET /echo HTTP/1.1\r\nHost: a\r\n\r\n".getBytes(US_ASCII));
        assertThat(closedWithoutAWord(socket)).isTrue();
        assertThat(origin.requestsReceived()).isZero();
    }

    @Test
    void aTrustedPeersV1HeaderNamesTheClientTheOriginIsToldAbout() throws Exception {
        Socket socket = connect("edge", TRUSTED_PEER);
        send(socket, (v1("203.0.113.7", 5555, "127.0.0.1", ferry.port("edge"))
                + "GET /echo HTTP/1.1\r\nHost: a\r\n\r\n").getBytes(US_ASCII));
        assertThat(RawHttp.over(socket).read().status()).isEqualTo(200);
        assertThat(forwardedFor()).isEqualTo("203.0.113.7");
    }

    @Test
    void aTrustedPeersV2HeaderNamesTheClientTheOriginIsToldAbout() throws Exception {
        Socket socket = connect("edge", TRUSTED_PEER);
        send(socket, v2("198.51.100.9", 4444, "127.0.0.1", ferry.port("edge")));
        send(socket, "GET /echo HTTP/1.1\r\nHost: a\r\n\r\n".getBytes(US_ASCII));
        assertThat(RawHttp.over(socket).read().status()).isEqualTo(200);
        assertThat(forwardedFor()).isEqualTo("198.51.100.9");
    }

    @Test
    void onATcpListenerATrustedPeersClientIsTheOneNamedToTheServer() throws Exception {
        Socket client = connect("tcp-edge", TRUSTED_PEER);
        send(client, (v1("203.0.113.7", 5555, "127.0.0.1", 6666) + "hello").getBytes(US_ASCII));

        Socket server = capture.next();
        InputStream in = server.getInputStream();
        assertThat(CaptureServer.readLine(in))
                .isEqualTo(v1("203.0.113.7", 5555, "127.0.0.1", ferry.port("tcp-edge")).strip());
        assertThat(new String(in.readNBytes(5), US_ASCII)).isEqualTo("hello");
        send(server, "world".getBytes(US_ASCII));
        assertThat(read(client, 5)).isEqualTo("world");
    }

    /** The {@code X-Forwarded-For} of the one request the origin received. */
    private static String forwardedFor() {
        await().atMost(Duration.ofSeconds(5)).until(() -> origin.requests().size() == 1);
        RecordedRequest request = origin.requests().get(0);
        return request.header("x-forwarded-for");
    }
}
