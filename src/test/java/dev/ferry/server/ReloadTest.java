package dev.ferry.server;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import dev.ferry.config.ConfigLoader;
import dev.ferry.config.FerryConfig;
import dev.ferry.demo.DemoOrigin;
import dev.ferry.testing.LoadClient;
import dev.ferry.testing.RawHttp;
import java.io.InputStream;
import java.net.ConnectException;
import java.net.InetAddress;
import java.net.Socket;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.WebSocket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Reload (SIGHUP, POST /api/reload): a new config swapped in without dropping anything. */
class ReloadTest {

    @TempDir
    Path dir;

    private DemoOrigin a;
    private DemoOrigin b;
    private FerryServer ferry;
    private Path file;
    private int port;

    @BeforeEach
    void start() throws Exception {
        a = DemoOrigin.start(DemoOrigin.Options.defaults().withName("a"));
        b = DemoOrigin.start(DemoOrigin.Options.defaults().withName("b"));
        file = dir.resolve("ferry.yaml");
        try (java.net.ServerSocket free = new java.net.ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
            port = free.getLocalPort();
        }
    }

    @AfterEach
    void stop() {
        if (ferry != null) {
            ferry.shutdown(Duration.ofSeconds(2));
        }
        a.close();
        b.close();
    }

    /** Ferry with one listener whose only route goes to {@code upstream} (a or b), and a cache of {@code cacheSize}. */
    private String config(String listenerName, String upstream, String cacheSize, String extra) {
        return """
                listeners:
                  - name: %s
                    bind: 127.0.0.1:%d
                    routes: [ { name: all, upstream: %s, cache: pages } ]
                %s
                upstreams:
                  a: { servers: [ "127.0.0.1:%d" ] }
                  b: { servers: [ "127.0.0.1:%d" ] }
                caches:
                  pages: { max_size: %s }
                """.formatted(listenerName, port, upstream, extra.isEmpty() ? "" : extra.stripTrailing().indent(2).stripTrailing(), a.port(),
                b.port(), cacheSize);
    }

    private void startWith(String yaml) throws Exception {
        Files.writeString(file, yaml);
        ferry = FerryServer.start(ConfigLoader.load(file));
    }

    private ReloadResult reloadWith(String yaml) throws Exception {
        Files.writeString(file, yaml);
        return ferry.reload();
    }

    @Test
    void theNextRequestOnTheSameConnectionFollowsTheNewRoutes() throws Exception {
        startWith(config("edge", "a", "16MiB", ""));
        try (LoadClient client = new LoadClient(ferry.port("edge"))) {
            assertThat(client.get("x", "/echo", "").origin()).isEqualTo("a");

            ReloadResult result = reloadWith(config("edge", "b", "16MiB", ""));

            assertThat(result.applied()).as(result.errors().toString()).isTrue();
            assertThat(client.get("x", "/echo", "").origin()).isEqualTo("b");
        }
    }

    @Test
    void aRequestInFlightFinishesOnTheOldConfig() throws Exception {
        startWith(config("edge", "a", "16MiB", ""));
        try (RawHttp slow = new RawHttp(ferry.port("edge"))) {
            slow.send("GET /delay/800 HTTP/1.1\r\nHost: x\r\n\r\n");
            await().atMost(Duration.ofSeconds(5)).until(() -> a.requestsReceived() == 1);

            assertThat(reloadWith(config("edge", "b", "16MiB", "")).applied()).isTrue();

            RawHttp.Response response = slow.read();
            assertThat(response.status()).isEqualTo(200);
            assertThat(response.header("x-origin")).isEqualTo("a");
            assertThat(response.bodyText()).isEqualTo("delayed\n");
        }
    }

    @Test
    void anInvalidConfigIsRefusedWithEveryErrorAndTheOldOneKeepsServing() throws Exception {
        startWith(config("edge", "a", "16MiB", ""));
        String broken = config("edge", "nowhere", "16MiB", "").replace("max_size: 16MiB", "max_size: lots");

        ReloadResult result = reloadWith(broken);

        assertThat(result.applied()).isFalse();
        assertThat(result.errors()).hasSize(2);
        assertThat(String.join("\n", result.errors()))
                .contains("ferry.yaml:4: listeners[0].routes[0].upstream")
                .contains("caches.pages.max_size");
        try (LoadClient client = new LoadClient(ferry.port("edge"))) {
            assertThat(client.get("x", "/echo", "").origin()).isEqualTo("a");
        }
    }

    @Test
    void listenersAreAddedAndRemoved() throws Exception {
        startWith(config("edge", "a", "16MiB", """
                  - name: old
                    bind: 127.0.0.1:0
                    routes: [ { name: all, upstream: a } ]"""));
        int oldPort = ferry.port("old");
        int edgePort = ferry.port("edge");

        ReloadResult result = reloadWith(config("edge", "a", "16MiB", """
                  - name: added
                    bind: 127.0.0.1:0
                    routes: [ { name: all, upstream: b } ]"""));

        assertThat(result.applied()).as(result.errors().toString()).isTrue();
        assertThat(ferry.port("edge")).isEqualTo(edgePort);
        try (LoadClient client = new LoadClient(ferry.port("added"))) {
            assertThat(client.get("x", "/echo", "").origin()).isEqualTo("b");
        }
        await().atMost(Duration.ofSeconds(2)).untilAsserted(() -> {
            try (Socket refused = new Socket(InetAddress.getLoopbackAddress(), oldPort)) {
                throw new AssertionError("port " + oldPort + " still accepts");
            } catch (ConnectException expected) {
                // closed, as it should be
            }
        });
    }

    @Test
    void aCacheWhoseSettingsStayKeepsItsEntriesAndOneResizedStartsEmpty() throws Exception {
        startWith(config("edge", "a", "16MiB", ""));
        try (LoadClient client = new LoadClient(ferry.port("edge"))) {
            client.get("x", "/small", "");
            assertThat(ferry.caches().get("pages").stats().entries()).isEqualTo(1);

            assertThat(reloadWith(config("edge", "b", "16MiB", "")).applied()).isTrue();
            assertThat(ferry.caches().get("pages").stats().entries()).isEqualTo(1);
            assertThat(client.get("x", "/small", "").origin()).isEqualTo("a");   // a hit, stored from a

            assertThat(reloadWith(config("edge", "b", "32MiB", "")).applied()).isTrue();
            assertThat(ferry.caches().get("pages").stats().entries()).isZero();
            assertThat(client.get("x", "/small", "").origin()).isEqualTo("b");
        }
    }

    @Test
    void fiftyReloadsUnderLoadDropNothing() throws Exception {
        startWith(config("edge", "a", "16MiB", ""));
        String toA = config("edge", "a", "16MiB", "");
        String toB = config("edge", "b", "16MiB", "");
        AtomicBoolean running = new AtomicBoolean(true);
        AtomicInteger ok = new AtomicInteger();
        ConcurrentLinkedQueue<String> failures = new ConcurrentLinkedQueue<>();
        ExecutorService load = Executors.newFixedThreadPool(3);
        try (Socket download = new Socket(InetAddress.getLoopbackAddress(), ferry.port("edge"))) {
            // A long download, read in part before the reloads and the rest after them.
            download.getOutputStream().write("GET /bytes/32m HTTP/1.1\r\nHost: x\r\n\r\n".getBytes(StandardCharsets.US_ASCII));
            InputStream downloadIn = download.getInputStream();
            int headLength = 0;
            for (int last4 = 0; last4 != 0x0d0a0d0a; headLength++) {
                last4 = (last4 << 8) | downloadIn.read();
            }
            long firstPart = downloadIn.readNBytes(1 << 20).length;
            LinkedBlockingQueue<String> echoes = new LinkedBlockingQueue<>();
            WebSocket ws = HttpClient.newHttpClient().newWebSocketBuilder()
                    .buildAsync(URI.create("ws://127.0.0.1:" + ferry.port("edge") + "/ws"), new WebSocket.Listener() {
                        @Override
                        public CompletionStage<?> onText(WebSocket socket, CharSequence data, boolean last) {
                            echoes.add(data.toString());
                            socket.request(1);
                            return null;
                        }
                    }).get(5, TimeUnit.SECONDS);
            for (int i = 0; i < 3; i++) {
                boolean keepAlive = i > 0;
                load.submit(() -> {
                    LoadClient client = new LoadClient(ferry.port("edge"));
                    try {
                        while (running.get()) {
                            if (!keepAlive) {
                                client.reconnect();
                            }
                            int status = client.get("x", "/echo", "").status();
                            if (status == 200) {
                                ok.incrementAndGet();
                            } else {
                                failures.add("status " + status);
                            }
                        }
                    } catch (Exception e) {
                        failures.add(e.toString());
                    } finally {
                        client.close();
                    }
                    return null;
                });
            }
            await().atMost(Duration.ofSeconds(10)).until(() -> ok.get() > 50);

            for (int i = 0; i < 50; i++) {
                ReloadResult result = reloadWith(i % 2 == 0 ? toB : toA);
                assertThat(result.applied()).as(result.errors().toString()).isTrue();
                ws.sendText("after reload " + i, true).get(5, TimeUnit.SECONDS);
                assertThat(echoes.poll(5, TimeUnit.SECONDS)).isEqualTo("after reload " + i);
            }
            int before = ok.get();
            await().atMost(Duration.ofSeconds(10)).until(() -> ok.get() > before + 50);
            running.set(false);
            load.shutdown();
            assertThat(load.awaitTermination(10, TimeUnit.SECONDS)).isTrue();

            long rest = downloadIn.readNBytes((32 << 20) - (1 << 20)).length;
            assertThat(headLength).isGreaterThan(4);
            assertThat(firstPart + rest).isEqualTo(32L << 20);
            assertThat(failures).isEmpty();
            ws.sendClose(WebSocket.NORMAL_CLOSURE, "bye").get(5, TimeUnit.SECONDS);
        } finally {
            load.shutdownNow();
        }
    }
}
