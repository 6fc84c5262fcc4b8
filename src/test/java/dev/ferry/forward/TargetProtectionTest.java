package dev.ferry.forward;

import static org.assertj.core.api.Assertions.assertThat;

import dev.ferry.demo.DemoOrigin;
import dev.ferry.testing.RawHttp;
import dev.ferry.testing.TestFerry;
import java.io.IOException;
import java.net.ServerSocket;
import java.util.stream.Stream;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * The forward proxy must not become a way into the host it runs on: with the default config,
 * every spelling of a loopback, unspecified or link-local address is refused before any
 * connection is made, and Ferry never proxies to its own listeners, whatever the config.
 */
class TargetProtectionTest {

    /** Spellings that all mean this host (or its link-local neighbourhood). */
    private static final String[] LOCAL_HOSTS = {
        "127.0.0.1", "127.1", "127.0.1", "2130706433", "0x7f000001", "0x7f.0.0.1", "0177.0.0.1", "017700000001",
        "[::1]", "[::ffff:127.0.0.1]", "[0:0:0:0:0:0:0:1]", "[::ffff:7f00:1]",
        "localhost", "localhost.", "LOCALHOST", "foo.localhost",
        "0.0.0.0", "0", "[::]", "[fe80::1]", "127.255.255.254",
    };

    private static DemoOrigin origin;
    private static TestFerry ferry;

    @BeforeAll
    static void start() throws Exception {
        origin = DemoOrigin.start(DemoOrigin.Options.defaults());
        ferry = TestFerry.start("""
                listeners:
                  - name: fwd
                    bind: 127.0.0.1:0
                    forward_proxy:
                      connect_ports: [%d, 80]
                """.formatted(origin.port()));
    }

    @AfterAll
    static void stop() {
        ferry.close();
        origin.close();
    }

    @BeforeEach
    void reset() {
        origin.reset();
    }

    static Stream<Arguments> localTargets() {
        Stream<Arguments> onOriginPort = Stream.of(LOCAL_HOSTS).map(host -> Arguments.of(host, origin.port()));
        // Cloud metadata: link-local, on port 80. Refused before connecting, so no packet leaves.
        return Stream.concat(onOriginPort, Stream.of(Arguments.of("169.254.169.254", 80)));
    }

    @ParameterizedTest(name = "GET http://{0}:{1}/")
    @MethodSource("localTargets")
    void absoluteFormGetToALocalAddressIsForbidden(String host, int port) throws Exception {
        try (RawHttp raw = new RawHttp(ferry.port("fwd"))) {
            raw.send("GET http://" + host + ":" + port + "/small HTTP/1.1\r\nHost: x\r\n\r\n");
            RawHttp.Response response = raw.read();
            assertThat(response.status()).isEqualTo(403);
            assertThat(response.bodyText()).contains("is not allowed");
        }
        assertThat(origin.connectionsAccepted()).isZero();
    }

    @ParameterizedTest(name = "CONNECT {0}:{1}")
    @MethodSource("localTargets")
    void connectToALocalAddressIsForbidden(String host, int port) throws Exception {
        try (RawHttp raw = new RawHttp(ferry.port("fwd"))) {
            raw.send("CONNECT " + host + ":" + port + " HTTP/1.1\r\nHost: " + host + ":" + port + "\r\n\r\n");
            RawHttp.Response response = raw.read();
            assertThat(response.status()).isEqualTo(403);
            assertThat(response.bodyText()).contains("is not allowed");
        }
        assertThat(origin.connectionsAccepted()).isZero();
    }

    @Test
    void aGetWithoutPortToTheMetadataAddressIsForbidden() throws Exception {
        try (RawHttp raw = new RawHttp(ferry.port("fwd"))) {
            raw.send("GET http://169.254.169.254/latest/meta-data/ HTTP/1.1\r\nHost: x\r\n\r\n");
            assertThat(raw.read().status()).isEqualTo(403);
        }
    }

    @ParameterizedTest(name = "GET {0}")
    @ValueSource(strings = {
        "http://256.1.1.1/", "http://1.2.3.4.5/", "http://[::1/", "http://user@127.0.0.1/", "http://exa mple/",
        "http://1.2.3.0x100/", "http://08.0.0.1/", "http://[fe80::1%25lo]/", "http://[::1]x/", "http://x:0/",
        "http://x:65536/", "http://x:8o/", "http:///path", "http://exa_mple%2f/", "https://example.com/",
        "ftp://example.com/",
    })
    void malformedTargetsAreBadRequests(String target) throws Exception {
        try (RawHttp raw = new RawHttp(ferry.port("fwd"))) {
            raw.send("GET " + target + " HTTP/1.1\r\nHost: x\r\n\r\n");
            assertThat(raw.read().status()).isEqualTo(400);
        }
        assertThat(origin.connectionsAccepted()).isZero();
    }

    @ParameterizedTest(name = "CONNECT {0}")
    @ValueSource(strings = {"127.0.0.1", "example.com:", "http://example.com:443", "[::1]", "example.com:https",
        "user@example.com:443", "256.0.0.1:443"})
    void malformedConnectTargetsAreBadRequests(String authority) throws Exception {
        try (RawHttp raw = new RawHttp(ferry.port("fwd"))) {
            raw.send("CONNECT " + authority + " HTTP/1.1\r\nHost: x\r\n\r\n");
            assertThat(raw.read().status()).isEqualTo(400);
        }
    }

    @Test
    void denyTargetsRefuseEvenWhatAllowLoopbackTargetsAllows() throws Exception {
        try (TestFerry denying = TestFerry.start("""
                listeners:
                  - name: fwd
                    bind: 127.0.0.1:0
                    forward_proxy:
                      connect_ports: [%d]
                      allow_loopback_targets: true
                      deny_targets: [127.0.0.0/8]
                """.formatted(origin.port()));
             RawHttp raw = new RawHttp(denying.port("fwd"))) {
            raw.send("GET " + origin.baseUrl() + "/small HTTP/1.1\r\nHost: x\r\n\r\n");
            RawHttp.Response get = raw.read();
            assertThat(get.status()).isEqualTo(403);
            assertThat(get.bodyText()).contains("is denied");
            raw.send("CONNECT [::ffff:127.0.0.1]:" + origin.port() + " HTTP/1.1\r\nHost: x\r\n\r\n");
            assertThat(raw.read().status()).isEqualTo(403);
        }
        assertThat(origin.connectionsAccepted()).isZero();
    }

    @Test
    void withAllowLoopbackTargetsTheSameSpellingsReachTheOrigin() throws Exception {
        try (TestFerry allowing = TestFerry.start("""
                listeners:
                  - name: fwd
                    bind: 127.0.0.1:0
                    forward_proxy:
                      allow_loopback_targets: true
                """);
             RawHttp raw = new RawHttp(allowing.port("fwd"))) {
            for (String host : new String[] {"127.0.0.1", "127.1", "0x7f000001", "[::ffff:127.0.0.1]", "localhost"}) {
                raw.send("GET http://" + host + ":" + origin.port() + "/small HTTP/1.1\r\nHost: x\r\n\r\n");
                assertThat(raw.read().status()).as(host).isEqualTo(200);
            }
        }
        assertThat(origin.requestsReceived()).isEqualTo(5);
    }

    static Stream<Arguments> selfTargets() {
        return Stream.of("127.0.0.1", "127.1", "2130706433", "[::ffff:127.0.0.1]", "localhost", "0.0.0.0", "0")
                .flatMap(host -> Stream.of(Arguments.of(host, "default"), Arguments.of(host, "nio")));
    }

    /**
     * Ferry's own listener, at a port known before it starts so that CONNECT may name it. Run with
     * the NIO transport too: the JDK connects a socket aimed at 0.0.0.0 to loopback, where epoll
     * (through a dual-stack socket) is refused, so only NIO would actually loop.
     */
    @ParameterizedTest(name = "{0} ({1} transport)")
    @MethodSource("selfTargets")
    void ferryNeverProxiesToItselfEvenWithAllowLoopbackTargets(String host, String transport) throws Exception {
        int port = freePort();
        String before = System.getProperty("ferry.transport");
        if (transport.equals("nio")) {
            System.setProperty("ferry.transport", "nio");
        }
        TestFerry self;
        try {
            self = TestFerry.start("""
                    listeners:
                      - name: fwd
                        bind: 127.0.0.1:%d
                        forward_proxy:
                          connect_ports: [%d]
                          allow_loopback_targets: true
                    """.formatted(port, port));
        } finally {
            if (before == null) {
                System.clearProperty("ferry.transport");
            } else {
                System.setProperty("ferry.transport", before);
            }
        }
        try (self; RawHttp raw = new RawHttp(self.port("fwd"))) {
            raw.send("GET http://" + host + ":" + port + "/ HTTP/1.1\r\nHost: x\r\n\r\n");
            RawHttp.Response get = raw.read();
            assertThat(get.status()).as(get.bodyText()).isEqualTo(403);
            assertThat(get.bodyText()).contains("Ferry itself");

            raw.send("CONNECT " + host + ":" + port + " HTTP/1.1\r\nHost: x\r\n\r\n");
            RawHttp.Response connect = raw.read();
            assertThat(connect.status()).as(connect.bodyText()).isEqualTo(403);
            assertThat(connect.bodyText()).contains("Ferry itself");
            // One client connection: nothing looped back in.
            assertThat(self.server().openConnections()).isEqualTo(1);
        }
    }

    @Test
    void everyListenerOfThisFerryIsRefusedNotJustTheOneAsked() throws Exception {
        try (TestFerry two = TestFerry.start("""
                listeners:
                  - name: a
                    bind: 127.0.0.1:0
                    forward_proxy:
                      allow_loopback_targets: true
                  - name: b
                    bind: 127.0.0.1:0
                    forward_proxy:
                      allow_loopback_targets: true
                """);
             RawHttp raw = new RawHttp(two.port("a"))) {
            raw.send("GET http://127.0.0.1:" + two.port("b") + "/ HTTP/1.1\r\nHost: x\r\n\r\n");
            RawHttp.Response response = raw.read();
            assertThat(response.status()).isEqualTo(403);
            assertThat(response.bodyText()).contains("Ferry itself");
        }
    }

    private static int freePort() throws IOException {
        try (ServerSocket socket = new ServerSocket(0)) {
            return socket.getLocalPort();
        }
    }
}
