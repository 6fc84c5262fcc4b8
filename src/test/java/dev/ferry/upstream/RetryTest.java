package dev.ferry.upstream;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import dev.ferry.demo.DemoOrigin;
import dev.ferry.demo.RecordedRequest;
import dev.ferry.testing.RawHttp;
import dev.ferry.testing.TestFerry;
import java.io.OutputStream;
import java.net.SocketTimeoutException;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * Retries over real sockets: which failures lead to another server (connect failures for every
 * method; closed connections and 502/503/504 answers for idempotent methods only), that
 * {@code attempts} counts every try, that a body too large to keep is not replayed, that the retry
 * budget stops a retry storm when every server fails, and that a pooled connection the server has
 * closed is replaced by a fresh one (not counted as a retry) only when re-sending is safe.
 *
 * <p>Upstreams here are round robin over two servers and requests are sequential, so about every
 * other request meets the failing server first; the assertions count what each server saw rather
 * than rely on that order.
 */
class RetryTest {

    private static DemoOrigin live;

    @BeforeAll
    static void startOrigin() throws Exception {
        live = DemoOrigin.start(DemoOrigin.Options.defaults().withName("live"));
    }

    @AfterAll
    static void stopOrigin() {
        live.close();
    }

    @BeforeEach
    void resetOrigin() {
        live.reset();
    }

    /** Ferry with one listener {@code edge} sending everything to upstream {@code app}. */
    private static TestFerry ferry(String upstream, String routeExtras) {
        return TestFerry.start("""
                listeners:
                  - name: edge
                    bind: 127.0.0.1:0
                    routes:
                      - name: all
                        upstream: app
                %s
                upstreams:
                  app:
                %s
                """.formatted(indent(routeExtras, 8), indent(upstream, 4)));
    }

    private static String indent(String text, int spaces) {
        return text.isBlank() ? "" : text.stripIndent().lines().map(l -> " ".repeat(spaces) + l)
                .reduce((a, b) -> a + "\n" + b).orElse("");
    }

    private static String servers(int... ports) {
        StringBuilder list = new StringBuilder("servers: [");
        for (int i = 0; i < ports.length; i++) {
            list.append(i == 0 ? " " : ", ").append("\"127.0.0.1:").append(ports[i]).append('"');
        }
        return list.append(" ]").toString();
    }

    private static RawHttp.Response request(TestFerry ferry, String method, String path, byte[] body) throws Exception {
        try (RawHttp raw = new RawHttp(ferry.port("edge"))) {
            String head = method + " " + path + " HTTP/1.1\r\nHost: app.test\r\n"
                    + (body == null ? "" : "Content-Length: " + body.length + "\r\n") + "\r\n";
            raw.send(head);
            if (body != null) {
                raw.send(body);
            }
            return raw.read();
        }
    }

    private static List<RecordedRequest> liveRequests(String method) {
        return live.requests().stream().filter(r -> r.method().equals(method)).toList();
    }

    private static byte[] body(int size) {
        byte[] body = new byte[size];
        Arrays.fill(body, (byte) 'x');
        return body;
    }

    @Test
    void aServerRefusingConnectionsIsSkippedForGets() throws Exception {
        try (TestFerry ferry = ferry(servers(ScriptedServer.closedPort(), live.port()), "")) {
            for (int i = 0; i < 10; i++) {
                RawHttp.Response response = request(ferry, "GET", "/small", null);
                assertThat(response.status()).as("request %d", i).isEqualTo(200);
                assertThat(response.header("x-origin")).isEqualTo("live");
            }
            assertThat(live.requestsReceived()).isEqualTo(10);
        }
    }

    @Test
    void aConnectFailureIsRetriedForPostsTooAsNothingWasSent() throws Exception {
        try (TestFerry ferry = ferry(servers(ScriptedServer.closedPort(), live.port()), "")) {
            for (int i = 0; i < 10; i++) {
                RawHttp.Response response = request(ferry, "POST", "/echo", body(300));
                assertThat(response.status()).as("request %d", i).isEqualTo(200);
                assertThat(response.bodyText()).contains("\"bodyLength\":300");
            }
            assertThat(liveRequests("POST")).hasSize(10).allSatisfy(r -> assertThat(r.complete()).isTrue());
        }
    }

    @Test
    void aPostWhoseBytesWereSentIsNotRetried() throws Exception {
        try (ScriptedServer closer = ScriptedServer.start(ScriptedServer.closeWithoutAnswer());
             TestFerry ferry = ferry(servers(closer.port(), live.port()), "")) {
            int badGateway = 0;
            int ok = 0;
            for (int i = 0; i < 6; i++) {
                int status = request(ferry, "POST", "/echo", body(200)).status();
                assertThat(status).as("request %d", i).isIn(200, 502);
                if (status == 502) {
                    badGateway++;
                } else {
                    ok++;
                }
            }
            assertThat(closer.requests()).as("POSTs the closing server read").isPositive().isEqualTo(badGateway);
            assertThat(closer.seen()).allSatisfy(r -> assertThat(r.bodyLength()).isEqualTo(200));
            // No duplicate: the live server saw only the POSTs that were sent to it first.
            assertThat(liveRequests("POST")).hasSize(ok);
        }
    }

    @Test
    void aGetWhoseServerClosedWithoutAnsweringIsRetriedOnAnother() throws Exception {
        try (ScriptedServer closer = ScriptedServer.start(ScriptedServer.closeWithoutAnswer());
             TestFerry ferry = ferry(servers(closer.port(), live.port()), "")) {
            for (int i = 0; i < 6; i++) {
                RawHttp.Response response = request(ferry, "GET", "/small", null);
                assertThat(response.status()).as("request %d", i).isEqualTo(200);
                assertThat(response.header("x-origin")).isEqualTo("live");
            }
            assertThat(closer.requests()).isPositive();
            assertThat(live.requestsReceived()).isEqualTo(6);
        }
    }

    @Test
    void a503IsRetriedForAGetButPassedOnForAPost() throws Exception {
        try (ScriptedServer failing = ScriptedServer.start(ScriptedServer.answer503After(0));
             TestFerry ferry = ferry(servers(failing.port(), live.port()), "")) {
            for (int i = 0; i < 6; i++) {
                RawHttp.Response response = request(ferry, "GET", "/small", null);
                assertThat(response.status()).as("GET %d", i).isEqualTo(200);
                assertThat(response.header("x-origin")).isEqualTo("live");
            }
            int getsFailed = failing.requests();
            assertThat(getsFailed).as("GETs answered 503 and retried").isPositive();

            int unavailable = 0;
            int ok = 0;
            for (int i = 0; i < 6; i++) {
                RawHttp.Response response = request(ferry, "POST", "/echo", body(10));
                assertThat(response.status()).as("POST %d", i).isIn(200, 503);
                if (response.status() == 503) {
                    unavailable++;
                    // The server's own answer, not one Ferry made up.
                    assertThat(response.header("x-origin")).isEqualTo("failing");
                    assertThat(response.bodyText()).isEqualTo("unavailable\n");
                } else {
                    ok++;
                }
            }
            assertThat(unavailable).isPositive().isEqualTo(failing.requests() - getsFailed);
            assertThat(liveRequests("POST")).hasSize(ok);
        }
    }

    @Test
    void attemptsOneMeansNoRetry() throws Exception {
        try (TestFerry ferry = ferry(servers(ScriptedServer.closedPort(), live.port()),
                "retries: { attempts: 1 }")) {
            int badGateway = 0;
            int ok = 0;
            for (int i = 0; i < 6; i++) {
                int status = request(ferry, "GET", "/small", null).status();
                assertThat(status).as("request %d", i).isIn(200, 502);
                if (status == 502) {
                    badGateway++;
                } else {
                    ok++;
                }
            }
            assertThat(badGateway).as("requests that met the refusing server first").isPositive();
            assertThat(live.requestsReceived()).isEqualTo(ok);
        }
    }

    @Test
    void aBodyLargerThanMaxReplayBodyIsNotRetriedEvenForAPut() throws Exception {
        try (ScriptedServer closer = ScriptedServer.start(ScriptedServer.closeWithoutAnswer());
             TestFerry ferry = ferry(servers(closer.port(), live.port()) + "\nretries: { max_replay_body: 1KiB }", "")) {
            int badGateway = 0;
            int ok = 0;
            for (int i = 0; i < 4; i++) {
                int status = request(ferry, "PUT", "/echo", body(100 * 1024)).status();
                assertThat(status).as("large PUT %d", i).isIn(200, 502);
                if (status == 502) {
                    badGateway++;
                } else {
                    ok++;
                }
            }
            assertThat(closer.requests()).isPositive().isEqualTo(badGateway);
            assertThat(liveRequests("PUT")).hasSize(ok);

            // A body that fits is kept, so the same PUT is retried on the live server.
            int closerBefore = closer.requests();
            live.reset();
            for (int i = 0; i < 4; i++) {
                RawHttp.Response response = request(ferry, "PUT", "/echo", body(512));
                assertThat(response.status()).as("small PUT %d", i).isEqualTo(200);
                assertThat(response.bodyText()).contains("\"bodyLength\":512");
            }
            assertThat(closer.requests()).isGreaterThan(closerBefore);
            assertThat(liveRequests("PUT")).hasSize(4);
        }
    }

    @Test
    void theBudgetCapsRetriesWhenEveryServerFails() throws Exception {
        try (ScriptedServer a = ScriptedServer.start(ScriptedServer.answer503After(200));
             ScriptedServer b = ScriptedServer.start(ScriptedServer.answer503After(200));
             ScriptedServer c = ScriptedServer.start(ScriptedServer.answer503After(200));
             TestFerry ferry = ferry(servers(a.port(), b.port(), c.port()) + "\nretries: { attempts: 3, budget: 20% }", "")) {
            int clients = 50;
            ExecutorService pool = Executors.newFixedThreadPool(clients);
            try {
                CountDownLatch go = new CountDownLatch(1);
                List<Future<Integer>> statuses = new ArrayList<>();
                for (int i = 0; i < clients; i++) {
                    statuses.add(pool.submit(() -> {
                        go.await();
                        return request(ferry, "GET", "/small", null).status();
                    }));
                }
                go.countDown();
                for (Future<Integer> status : statuses) {
                    assertThat(status.get(10, TimeUnit.SECONDS)).isIn(502, 503);
                }
            } finally {
                pool.shutdownNow();
            }
            int seen = a.requests() + b.requests() + c.requests();
            // Without a budget each request would be tried on all three servers: 150.
            assertThat(seen).as("requests the servers saw").isGreaterThanOrEqualTo(clients).isLessThan(100);
        }
    }

    @Test
    void aRetryWaitingForAFreeServerDoesNotLoseTheBodyThatArrivesMeanwhile() throws Exception {
        CountDownLatch release = new CountDownLatch(1);
        try (ScriptedServer a = ScriptedServer.startReadingHeadsOnly(ScriptedServer.closeWithoutAnswer());
             ScriptedServer b = ScriptedServer.start((request, out) -> {
                 if (request.method().equals("GET")) {
                     try {
                         release.await(10, TimeUnit.SECONDS);
                     } catch (InterruptedException e) {
                         return false;
                     }
                 }
                 byte[] text = ("got " + request.bodyLength() + "\n").getBytes(StandardCharsets.US_ASCII);
                 out.write(("HTTP/1.1 200 OK\r\nContent-Length: " + text.length + "\r\n\r\n")
                         .getBytes(StandardCharsets.US_ASCII));
                 out.write(text);
                 out.flush();
                 return true;
             });
             TestFerry ferry = ferry("""
                     servers:
                       - "127.0.0.1:%d"
                       - { address: "127.0.0.1:%d", max_connections: 1 }
                     queue: { size: 5, timeout: 10s }
                     retries: { attempts: 2, max_replay_body: 16KiB }
                     """.formatted(a.port(), b.port()), "")) {
            Upstream upstream = ferry.server().upstreams().get("app");
            ExecutorService background = Executors.newSingleThreadExecutor();
            try {
                // A GET that a closes on; retried on b, where it holds b's only slot until released.
                Future<Integer> held = background.submit(() -> request(ferry, "GET", "/hold", null).status());
                await().atMost(Duration.ofSeconds(5)).until(() -> b.requests() == 1);

                // A PUT of 40 KiB: its head and first 4 KiB reach a, which closes. 4 KiB can be replayed,
                // so the PUT is to be retried on b, and waits for b's slot.
                try (RawHttp put = new RawHttp(ferry.port("edge"))) {
                    put.send("PUT /echo HTTP/1.1\r\nHost: app.test\r\nContent-Length: 40960\r\n\r\n");
                    put.send(body(4096));
                    await().atMost(Duration.ofSeconds(5)).until(() -> upstream.queued() == 1);
                    // The rest of the body arrives while the retry waits: more than max_replay_body in all.
                    put.send(body(40960 - 4096));
                    release.countDown();
                    assertThat(held.get(5, TimeUnit.SECONDS)).isEqualTo(200);

                    RawHttp.Response response;
                    try {
                        response = put.read();
                    } catch (SocketTimeoutException e) {
                        throw new AssertionError("no answer to the PUT in 5 s; b read " + b.heads() + " request heads and "
                                + b.requests() + " whole requests", e);
                    }
                    // Either b got the whole body, or the PUT was not sent again (it could not be replayed).
                    if (response.status() == 200) {
                        assertThat(response.bodyText()).isEqualTo("got 40960\n");
                    } else {
                        assertThat(response.status()).isEqualTo(502);
                    }
                }
            } finally {
                background.shutdownNow();
            }
        }
    }

    /** Answers the first request of each connection (keep-alive) and closes on the second without a word. */
    private static ScriptedServer.Script closingEachConnectionAfterOneRequest() {
        Set<OutputStream> answered = ConcurrentHashMap.newKeySet();
        return (request, out) -> {
            if (!answered.add(out)) {
                // As if the server had closed the idle connection just as this request arrived.
                return false;
            }
            byte[] text = ("got " + request.bodyLength() + "\n").getBytes(StandardCharsets.US_ASCII);
            out.write(("HTTP/1.1 200 OK\r\nContent-Length: " + text.length + "\r\n\r\n").getBytes(StandardCharsets.US_ASCII));
            out.write(text);
            out.flush();
            return true;
        };
    }

    @Test
    void aRequestOnAPooledConnectionTheServerClosedAfterReadingItIsNotSentAgain() throws Exception {
        try (ScriptedServer server = ScriptedServer.start(closingEachConnectionAfterOneRequest());
             TestFerry ferry = ferry(servers(server.port()), "retries: { attempts: 1 }");
             RawHttp raw = new RawHttp(ferry.port("edge"))) {
            assertThat(raw.send("GET /first HTTP/1.1\r\nHost: app.test\r\n\r\n").read().status()).isEqualTo(200);
            // The pooled connection was taken, the request written and read, then the server closed:
            // it may have acted on it, so it is not sent again, even for GET.
            RawHttp.Response get = raw.send("GET /second HTTP/1.1\r\nHost: app.test\r\n\r\n").read();
            assertThat(get.status()).isEqualTo(502);
            assertThat(server.seen()).extracting(ScriptedServer.Request::uri).containsExactly("/first", "/second");
        }
    }

    @Test
    void aPostOnAPooledConnectionTheServerClosedIsNotSentTwice() throws Exception {
        try (ScriptedServer server = ScriptedServer.start(closingEachConnectionAfterOneRequest());
             TestFerry ferry = ferry(servers(server.port()), "");
             RawHttp raw = new RawHttp(ferry.port("edge"))) {
            assertThat(raw.send("GET /first HTTP/1.1\r\nHost: app.test\r\n\r\n").read().status()).isEqualTo(200);
            RawHttp.Response post = raw.send("POST /order HTTP/1.1\r\nHost: app.test\r\nContent-Length: 5\r\n\r\n"
                    + "hello").read();
            // The server may have acted on it before closing: only the client may decide to send it again.
            assertThat(post.status()).isEqualTo(502);
            assertThat(server.seen()).extracting(ScriptedServer.Request::uri).containsExactly("/first", "/order");
        }
    }
}
