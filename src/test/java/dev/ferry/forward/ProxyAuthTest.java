package dev.ferry.forward;

import static org.assertj.core.api.Assertions.assertThat;

import dev.ferry.demo.DemoOrigin;
import dev.ferry.demo.RecordedRequest;
import dev.ferry.testing.RawHttp;
import dev.ferry.testing.TestFerry;
import java.nio.charset.StandardCharsets;
import java.util.Base64;
import java.util.Map;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/** Basic proxy authentication: 407 with a challenge unless {@code Proxy-Authorization} names a user. */
class ProxyAuthTest {

    private static final String RIGHT = basic("alice", "s3cret");
    private static final String WRONG = basic("alice", "guess");

    private static String basic(String user, String password) {
        return "Basic " + Base64.getEncoder()
                .encodeToString((user + ":" + password).getBytes(StandardCharsets.UTF_8));
    }

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
                      connect_ports: [%d]
                      allow_loopback_targets: true
                      users: { alice: s3cret }
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

    private RawHttp.Response get(String proxyAuthorization) throws Exception {
        try (RawHttp raw = new RawHttp(ferry.port("fwd"))) {
            raw.send("GET " + origin.baseUrl() + "/echo HTTP/1.1\r\nHost: x\r\n"
                    + (proxyAuthorization == null ? "" : "Proxy-Authorization: " + proxyAuthorization + "\r\n")
                    + "\r\n");
            return raw.read();
        }
    }

    @Test
    void getWithoutCredentialsIsChallenged() throws Exception {
        RawHttp.Response response = get(null);

        assertThat(response.status()).isEqualTo(407);
        assertThat(response.header("proxy-authenticate")).startsWith("Basic realm=\"ferry\"");
        assertThat(origin.connectionsAccepted()).isZero();
    }

    @Test
    void getWithAWrongPasswordIsChallenged() throws Exception {
        RawHttp.Response response = get(WRONG);

        assertThat(response.status()).isEqualTo(407);
        assertThat(response.header("proxy-authenticate")).startsWith("Basic realm=\"ferry\"");
        assertThat(origin.connectionsAccepted()).isZero();
    }

    @Test
    void getWithAnUnknownUserIsChallenged() throws Exception {
        assertThat(get(basic("mallory", "s3cret")).status()).isEqualTo(407);
        assertThat(origin.connectionsAccepted()).isZero();
    }

    @Test
    void getWithTheRightCredentialsIsForwardedWithoutThem() throws Exception {
        RawHttp.Response response = get(RIGHT);

        assertThat(response.status()).isEqualTo(200);
        assertThat(response.header("proxy-authenticate")).isNull();
        RecordedRequest seen = origin.requests().get(0);
        assertThat(seen.header("proxy-authorization")).isNull();
        assertThat(seen.headers().keySet()).doesNotContain("proxy-authorization");
    }

    @Test
    void aClientMayRetryWithCredentialsOnTheSameConnection() throws Exception {
        try (RawHttp raw = new RawHttp(ferry.port("fwd"))) {
            raw.send("GET " + origin.baseUrl() + "/small HTTP/1.1\r\nHost: x\r\n\r\n");
            assertThat(raw.read().status()).isEqualTo(407);
            raw.send("GET " + origin.baseUrl() + "/small HTTP/1.1\r\nHost: x\r\n"
                    + "Proxy-Authorization: " + RIGHT + "\r\n\r\n");
            assertThat(raw.read().status()).isEqualTo(200);
        }
    }

    private RawHttp.Response connect(RawHttp raw, String proxyAuthorization) throws Exception {
        String authority = "127.0.0.1:" + origin.port();
        raw.send("CONNECT " + authority + " HTTP/1.1\r\nHost: " + authority + "\r\n"
                + (proxyAuthorization == null ? "" : "Proxy-Authorization: " + proxyAuthorization + "\r\n")
                + "\r\n");
        return raw.readHead();
    }

    @Test
    void connectWithoutCredentialsIsChallenged() throws Exception {
        try (RawHttp raw = new RawHttp(ferry.port("fwd"))) {
            RawHttp.Response response = connect(raw, null);
            assertThat(response.status()).isEqualTo(407);
            assertThat(response.header("proxy-authenticate")).startsWith("Basic realm=\"ferry\"");
        }
        assertThat(origin.connectionsAccepted()).isZero();
    }

    @Test
    void connectWithAWrongPasswordIsChallenged() throws Exception {
        try (RawHttp raw = new RawHttp(ferry.port("fwd"))) {
            RawHttp.Response response = connect(raw, WRONG);
            assertThat(response.status()).isEqualTo(407);
            assertThat(response.header("proxy-authenticate")).startsWith("Basic realm=\"ferry\"");
        }
        assertThat(origin.connectionsAccepted()).isZero();
    }

    @Test
    void connectWithTheRightCredentialsOpensTheTunnel() throws Exception {
        try (RawHttp raw = new RawHttp(ferry.port("fwd"))) {
            assertThat(connect(raw, RIGHT).status()).isEqualTo(200);
            // Plain HTTP inside the tunnel: the origin sees exactly what the client wrote.
            raw.send("GET /echo HTTP/1.1\r\nHost: inside\r\n\r\n");
            RawHttp.Response inside = raw.read();
            assertThat(inside.status()).isEqualTo(200);
            assertThat(inside.header("via")).isNull();
        }
        RecordedRequest seen = origin.requests().get(0);
        assertThat(seen.header("host")).isEqualTo("inside");
        assertThat(seen.header("proxy-authorization")).isNull();
    }

    // ---- ProxyAuth itself ----

    private final ProxyAuth auth = new ProxyAuth(Map.of("alice", "s3cret", "bob", "pa:ss:word", "zoë", "ünïcode"));

    @Test
    void noUsersMeansNoAuthentication() {
        assertThat(new ProxyAuth(Map.of()).required()).isFalse();
        assertThat(auth.required()).isTrue();
    }

    @Test
    void acceptsTheRightPassword() {
        assertThat(auth.accepts(RIGHT)).isTrue();
    }

    @Test
    void theSchemeIsCaseInsensitive() {
        String token = RIGHT.substring("Basic ".length());
        assertThat(auth.accepts("basic " + token)).isTrue();
        assertThat(auth.accepts("BASIC " + token)).isTrue();
        assertThat(auth.accepts("bAsIc " + token)).isTrue();
    }

    @Test
    void refusesWrongPasswordsAndUnknownUsers() {
        assertThat(auth.accepts(WRONG)).isFalse();
        assertThat(auth.accepts(basic("alice", "S3CRET"))).isFalse();
        assertThat(auth.accepts(basic("alice", "s3cret "))).isFalse();
        assertThat(auth.accepts(basic("alice", ""))).isFalse();
        assertThat(auth.accepts(basic("Alice", "s3cret"))).isFalse();
        assertThat(auth.accepts(basic("mallory", "s3cret"))).isFalse();
        assertThat(auth.accepts(basic("", "s3cret"))).isFalse();
    }

    @Test
    void refusesMissingAndOtherSchemes() {
        assertThat(auth.accepts(null)).isFalse();
        assertThat(auth.accepts("")).isFalse();
        assertThat(auth.accepts("Basic")).isFalse();
        assertThat(auth.accepts("Basic ")).isFalse();
        assertThat(auth.accepts("Bearer " + RIGHT.substring(6))).isFalse();
        assertThat(auth.accepts("Digest username=\"alice\"")).isFalse();
        assertThat(auth.accepts(RIGHT.substring(6))).as("token without a scheme").isFalse();
    }

    @Test
    void refusesBadBase64() {
        assertThat(auth.accepts("Basic !!!not-base64!!!")).isFalse();
        assertThat(auth.accepts("Basic YWxpY2U6czNjcmV0=====")).isFalse();
        assertThat(auth.accepts("Basic YWxp Y2U6czNjcmV0")).isFalse();
    }

    @Test
    void refusesCredentialsWithoutAColon() {
        String noColon = Base64.getEncoder().encodeToString("alices3cret".getBytes(StandardCharsets.UTF_8));
        assertThat(auth.accepts("Basic " + noColon)).isFalse();
        String userOnly = Base64.getEncoder().encodeToString("alice".getBytes(StandardCharsets.UTF_8));
        assertThat(auth.accepts("Basic " + userOnly)).isFalse();
    }

    @Test
    void aPasswordMayContainColons() {
        // RFC 7617 §2: the user-id ends at the first colon; the password is everything after it.
        assertThat(auth.accepts(basic("bob", "pa:ss:word"))).isTrue();
        assertThat(auth.accepts(basic("bob", "pa"))).isFalse();
        assertThat(auth.accepts(basic("bob:pa", "ss:word"))).isTrue();
    }

    @Test
    void namesAndPasswordsAreUtf8() {
        assertThat(auth.accepts(basic("zoë", "ünïcode"))).isTrue();
        String latin1 = "Basic " + Base64.getEncoder()
                .encodeToString("zoë:ünïcode".getBytes(StandardCharsets.ISO_8859_1));
        assertThat(auth.accepts(latin1)).isFalse();
    }

    @Test
    void surroundingWhitespaceAroundTheTokenIsTolerated() {
        assertThat(auth.accepts(RIGHT + "  ")).isTrue();
        assertThat(auth.accepts("Basic   " + RIGHT.substring(6))).isTrue();
    }
}
