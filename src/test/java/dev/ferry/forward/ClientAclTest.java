package dev.ferry.forward;

import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import dev.ferry.demo.DemoOrigin;
import dev.ferry.testing.RawHttp;
import dev.ferry.testing.TestFerry;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.Inet6Address;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/** {@code allow_clients}: who may use the forward proxy at all. */
class ClientAclTest {

    private static DemoOrigin origin;

    @BeforeAll
    static void start() throws Exception {
        origin = DemoOrigin.start(DemoOrigin.Options.defaults());
    }

    @AfterAll
    static void stop() {
        origin.close();
    }

    @BeforeEach
    void reset() {
        origin.reset();
    }

    private static TestFerry ferry(String bind, String allowClients) {
        return TestFerry.start("""
                listeners:
                  - name: fwd
                    bind: %s
                    forward_proxy:
                      connect_ports: [%d]
                      allow_loopback_targets: true
                %s""".formatted(bind, origin.port(),
                allowClients == null ? "" : "      allow_clients: " + allowClients + "\n"));
    }

    private String getRequest() {
        return "GET " + origin.baseUrl() + "/small HTTP/1.1\r\nHost: x\r\n\r\n";
    }

    private String connectRequest() {
        String authority = "127.0.0.1:" + origin.port();
        return "CONNECT " + authority + " HTTP/1.1\r\nHost: " + authority + "\r\n\r\n";
    }

    @Test
    void aLoopbackClientOutsideAllowClientsIsForbiddenForGetAndConnect() throws Exception {
        try (TestFerry ferry = ferry("127.0.0.1:0", "[10.0.0.0/8]");
             RawHttp raw = new RawHttp(ferry.port("fwd"))) {
            raw.send(getRequest());
            RawHttp.Response get = raw.read();
            assertThat(get.status()).isEqualTo(403);
            assertThat(get.bodyText()).contains("client not allowed");

            raw.send(connectRequest());
            RawHttp.Response connect = raw.read();
            assertThat(connect.status()).isEqualTo(403);
            assertThat(connect.bodyText()).contains("client not allowed");
        }
        assertThat(origin.connectionsAccepted()).isZero();
        assertThat(origin.requestsReceived()).isZero();
    }

    @Test
    void theAclIsCheckedBeforeTheTargetSoNothingIsLearntAboutIt() throws Exception {
        try (TestFerry ferry = ferry("127.0.0.1:0", "[10.0.0.0/8]");
             RawHttp raw = new RawHttp(ferry.port("fwd"))) {
            raw.send("GET http://exa%20mple/ HTTP/1.1\r\nHost: x\r\n\r\n");
            assertThat(raw.read().status()).isEqualTo(403);
            raw.send("CONNECT 127.0.0.1:1 HTTP/1.1\r\nHost: 127.0.0.1:1\r\n\r\n");
            assertThat(raw.read().status()).isEqualTo(403);
        }
    }

    @Test
    void byDefaultLoopbackClientsAreAllowed() throws Exception {
        try (TestFerry ferry = ferry("127.0.0.1:0", null);
             RawHttp raw = new RawHttp(ferry.port("fwd"))) {
            raw.send(getRequest());
            assertThat(raw.read().status()).isEqualTo(200);
        }
        try (TestFerry ferry = ferry("127.0.0.1:0", null);
             RawHttp raw = new RawHttp(ferry.port("fwd"))) {
            raw.send(connectRequest());
            assertThat(raw.readHead().status()).isEqualTo(200);
            raw.send("GET /small HTTP/1.1\r\nHost: x\r\n\r\n");
            assertThat(raw.read().body()).hasSize(1024);
        }
        assertThat(origin.requestsReceived()).isEqualTo(2);
    }

    @Test
    void onlyIpv6LoopbackAllowedRefusesAnIpv4LoopbackClient() throws Exception {
        try (TestFerry ferry = ferry("127.0.0.1:0", "[\"::1/128\"]");
             RawHttp raw = new RawHttp(ferry.port("fwd"))) {
            raw.send(getRequest());
            assertThat(raw.read().status()).isEqualTo(403);
            raw.send(connectRequest());
            assertThat(raw.read().status()).isEqualTo(403);
        }
        assertThat(origin.connectionsAccepted()).isZero();
    }

    @Test
    void onlyIpv6LoopbackAllowedAcceptsAnIpv6LoopbackClient() throws Exception {
        assumeTrue(ipv6LoopbackWorks(), "no IPv6 loopback here");
        try (TestFerry ferry = ferry("\"[::1]:0\"", "[\"::1/128\"]");
             Socket socket = new Socket(InetAddress.getByName("::1"), ferry.port("fwd"))) {
            socket.setSoTimeout(5000);
            OutputStream out = socket.getOutputStream();
            out.write(getRequest().getBytes(StandardCharsets.US_ASCII));
            out.flush();
            InputStream in = socket.getInputStream();
            String statusLine = new String(in.readNBytes(12), StandardCharsets.US_ASCII);
            assertThat(statusLine).isEqualTo("HTTP/1.1 200");
        }
    }

    @Test
    void anyMatchingBlockAdmitsTheClientAndANearMissDoesNot() throws Exception {
        try (TestFerry ferry = ferry("127.0.0.1:0", "[10.0.0.0/8, 127.0.0.1/32]");
             RawHttp raw = new RawHttp(ferry.port("fwd"))) {
            raw.send(getRequest());
            assertThat(raw.read().status()).isEqualTo(200);
        }
        try (TestFerry ferry = ferry("127.0.0.1:0", "[127.0.0.2/32]");
             RawHttp raw = new RawHttp(ferry.port("fwd"))) {
            raw.send(getRequest());
            assertThat(raw.read().status()).isEqualTo(403);
        }
    }

    private static boolean ipv6LoopbackWorks() {
        try (ServerSocket server = new ServerSocket()) {
            InetAddress v6 = InetAddress.getByName("::1");
            if (!(v6 instanceof Inet6Address)) {
                return false;
            }
            server.bind(new InetSocketAddress(v6, 0));
            try (Socket client = new Socket(v6, server.getLocalPort())) {
                return client.isConnected();
            }
        } catch (IOException e) {
            return false;
        }
    }
}
