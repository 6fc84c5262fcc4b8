package dev.ferry.tcp;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import dev.ferry.demo.DemoOrigin;
import dev.ferry.health.HealthState;
import dev.ferry.testing.RawHttp;
import dev.ferry.testing.RedisServer;
import dev.ferry.testing.TcpEchoServer;
import dev.ferry.testing.TestFerry;
import dev.ferry.upstream.Server;
import java.io.IOException;
import java.io.InputStream;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.net.SocketTimeoutException;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * L4 listeners ({@code protocol: tcp}) over real sockets: a real {@code redis-server} answers
 * through Ferry; connections are balanced (round robin, least connections, consistent hash on the
 * client address) over healthy servers only; a dead server is skipped at connect time; an idle
 * tunnel is closed; connection limits hold.
 */
class TcpListenerTest {

    private static RedisServer redis1;
    private static RedisServer redis2;
    private final List<AutoCloseable> closeAfter = new ArrayList<>();
    private TestFerry ferry;

    @BeforeAll
    static void startRedis() {
        redis1 = RedisServer.start();
        redis2 = RedisServer.start();
    }

    @AfterAll
    static void stopRedis() {
        redis1.close();
        redis2.close();
    }

    @AfterEach
    void stop() throws Exception {
        // Servers first, so that open tunnels end and Ferry's shutdown need not wait for them.
        for (AutoCloseable closeable : closeAfter) {
            closeable.close();
        }
        if (ferry != null) {
            ferry.close();
        }
    }

    /** Ferry with a tcp listener {@code db} relaying to upstream {@code pool}. */
    private TestFerry ferry(String upstream, String top) {
        ferry = TestFerry.start("""
                listeners:
                  - name: db
                    bind: 127.0.0.1:0
                    protocol: tcp
                    upstream: pool
                upstreams:
                  pool:
                    %s
                %s
                """.formatted(upstream.strip().replace("\n", "\n    "), top));
        return ferry;
    }

    private static String servers(int... ports) {
        StringBuilder list = new StringBuilder("servers: [");
        for (int i = 0; i < ports.length; i++) {
            list.append(i == 0 ? " " : ", ").append("\"127.0.0.1:").append(ports[i]).append('"');
        }
        return list.append(" ]").toString();
    }

    private TcpEchoServer echo() {
        TcpEchoServer echo = TcpEchoServer.start();
        closeAfter.add(echo);
        return echo;
    }

    private Socket connect() throws IOException {
        Socket socket = new Socket();
        closeAfter.add(socket);
        socket.setSoTimeout(5000);
        socket.connect(ferry.address("db"), 5000);
        return socket;
    }

    /** Sends {@code text} and reads back as many bytes. */
    private static String echoed(Socket socket, String text) throws IOException {
        socket.getOutputStream().write(text.getBytes(StandardCharsets.US_ASCII));
        socket.getOutputStream().flush();
        return new String(socket.getInputStream().readNBytes(text.length()), StandardCharsets.US_ASCII);
    }

    /** True when the peer closed the connection (EOF or reset) within the socket timeout. */
    private static boolean closedByPeer(Socket socket) throws IOException {
        try {
            return socket.getInputStream().read() == -1;
        } catch (SocketTimeoutException e) {
            return false;
        } catch (IOException e) {
            return true;
        }
    }

    private static int closedPort() throws IOException {
        try (ServerSocket socket = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
            return socket.getLocalPort();
        }
    }

    // ---- a real redis-server ----

    @Test
    void aRealRedisAnswersPingSetAndGetThroughFerry() throws Exception {
        ferry(servers(redis1.port()), "");
        String big = "v".repeat(256 * 1024);
        try (Resp redis = new Resp(ferry.address("db"))) {
            assertThat(redis.call("PING")).isEqualTo("PONG");
            assertThat(redis.call("SET", "ferry:greeting", "hello through ferry")).isEqualTo("OK");
            assertThat(redis.call("GET", "ferry:greeting")).isEqualTo("hello through ferry");
            assertThat(redis.call("SET", "ferry:big", big)).isEqualTo("OK");
            assertThat(redis.call("GET", "ferry:big")).isEqualTo(big);
            assertThat(redis.call("GET", "ferry:missing")).isNull();
        }
        // It was really that server.
        try (Resp direct = new Resp(new InetSocketAddress("127.0.0.1", redis1.port()))) {
            assertThat(direct.call("GET", "ferry:greeting")).isEqualTo("hello through ferry");
        }
    }

    @Test
    void withTwoServersConnectionsAlternate() throws Exception {
        for (RedisServer redis : List.of(redis1, redis2)) {
            try (Resp direct = new Resp(new InetSocketAddress("127.0.0.1", redis.port()))) {
                direct.call("SET", "ferry:who", "redis-" + redis.port());
            }
        }
        ferry(servers(redis1.port(), redis2.port()), "");
        List<Object> answeredBy = new ArrayList<>();
        for (int i = 0; i < 6; i++) {
            try (Resp redis = new Resp(ferry.address("db"))) {
                answeredBy.add(redis.call("GET", "ferry:who"));
            }
        }
        for (int i = 1; i < answeredBy.size(); i++) {
            assertThat(answeredBy.get(i)).as("connection %d of %s", i, answeredBy).isNotEqualTo(answeredBy.get(i - 1));
        }
        assertThat(new HashSet<>(answeredBy)).containsExactlyInAnyOrder(
                "redis-" + redis1.port(), "redis-" + redis2.port());
    }

    @Test
    void aDeadServerIsSkippedAtConnectTime() throws Exception {
        ferry(servers(closedPort(), redis1.port()), "");
        // Round robin sends every other connection to the dead server first: each must still work.
        for (int i = 0; i < 6; i++) {
            try (Resp redis = new Resp(ferry.address("db"))) {
                assertThat(redis.call("PING")).as("connection %d", i).isEqualTo("PONG");
            }
        }
        Server dead = ferry.server().upstreams().get("pool").servers().get(0);
        assertThat(dead.health().status().lastError()).contains("refused");
    }

    // ---- choosing a server ----

    @Test
    void onlyHealthyServersGetConnections() throws Exception {
        // HTTP origins behind the tcp listener, so their http checks can fail while they still serve.
        DemoOrigin o1 = DemoOrigin.start(DemoOrigin.Options.defaults().withName("o1"));
        DemoOrigin o2 = DemoOrigin.start(DemoOrigin.Options.defaults().withName("o2"));
        closeAfter.add(o1);
        closeAfter.add(o2);
        o2.setHealthStatus(500);
        ferry(servers(o1.port(), o2.port())
                + "\nhealth_check: { type: http, interval: 250ms, timeout: 250ms, rise: 1, fall: 2 }", "");
        Server server1 = ferry.server().upstreams().get("pool").servers().get(0);
        Server server2 = ferry.server().upstreams().get("pool").servers().get(1);
        await().atMost(Duration.ofSeconds(5)).until(() -> server2.health().state() == HealthState.UNHEALTHY);
        assertThat(server1.health().state()).isEqualTo(HealthState.HEALTHY);

        assertThat(originsOf(6)).containsOnly("o1");
        o2.setHealthStatus(200);
        await().atMost(Duration.ofSeconds(5)).until(() -> server2.health().state() == HealthState.HEALTHY);
        assertThat(originsOf(6)).containsOnly("o1", "o2");
    }

    /** Who answers one HTTP request on each of {@code n} new connections through the tcp listener. */
    private List<String> originsOf(int n) throws IOException {
        List<String> origins = new ArrayList<>();
        for (int i = 0; i < n; i++) {
            try (RawHttp raw = new RawHttp(ferry.port("db"))) {
                RawHttp.Response response = raw.send("GET /small HTTP/1.1\r\nHost: x\r\nConnection: close\r\n\r\n").read();
                assertThat(response.status()).isEqualTo(200);
                origins.add(response.header("x-origin"));
            }
        }
        return origins;
    }

    @Test
    void leastConnectionsSendsNewConnectionsToTheLessBusyServer() throws Exception {
        TcpEchoServer e1 = echo();
        TcpEchoServer e2 = echo();
        ferry(servers(e1.port(), e2.port()) + "\nbalance: least_connections", "");

        Socket held = connect();
        assertThat(echoed(held, "held")).isEqualTo("held");
        TcpEchoServer busy = e1.connectionsAccepted() == 1 ? e1 : e2;
        TcpEchoServer idle = busy == e1 ? e2 : e1;
        busy.nextConnection();

        for (int i = 0; i < 4; i++) {
            try (Socket socket = connect()) {
                assertThat(echoed(socket, "short " + i)).isEqualTo("short " + i);
            }
            // Ferry closed its side towards the server too: that connection no longer counts.
            idle.nextConnection().closedByPeer().get(5, TimeUnit.SECONDS);
        }
        assertThat(busy.connectionsAccepted()).isEqualTo(1);
        assertThat(idle.connectionsAccepted()).isEqualTo(4);
    }

    @Test
    void consistentHashOnTheClientAddressKeepsEachClientOnOneServer() throws Exception {
        List<TcpEchoServer> echoes = List.of(echo(), echo(), echo());
        ferry(servers(echoes.get(0).port(), echoes.get(1).port(), echoes.get(2).port())
                + "\nbalance: consistent_hash\nhash_key: client_ip", "");

        Map<String, Set<Integer>> serversOf = new HashMap<>();
        for (int round = 0; round < 3; round++) {
            for (int c = 1; c <= 12; c++) {
                String client = "127.0.0." + c;
                int[] before = echoes.stream().mapToInt(TcpEchoServer::connectionsAccepted).toArray();
                try (Socket socket = new Socket()) {
                    socket.setSoTimeout(5000);
                    socket.bind(new InetSocketAddress(InetAddress.getByName(client), 0));
                    socket.connect(ferry.address("db"), 5000);
                    assertThat(echoed(socket, client)).isEqualTo(client);
                }
                for (int s = 0; s < echoes.size(); s++) {
                    if (echoes.get(s).connectionsAccepted() > before[s]) {
                        serversOf.computeIfAbsent(client, k -> new HashSet<>()).add(s);
                    }
                }
            }
        }
        assertThat(serversOf).hasSize(12)
                .allSatisfy((client, servers) -> assertThat(servers).as(client).hasSize(1));
        Set<Integer> used = new HashSet<>();
        serversOf.values().forEach(used::addAll);
        assertThat(used).as("servers used by 12 clients").hasSizeGreaterThanOrEqualTo(2);
    }

    // ---- timeouts and limits ----

    @Test
    void anIdleTunnelIsClosedAfterTheTunnelTimeoutButTrafficKeepsItOpen() throws Exception {
        TcpEchoServer echo = echo();
        ferry(servers(echo.port()) + "\ntimeouts: { tunnel: 500ms }", "");
        Socket socket = connect();

        // A byte every 200 ms for 1.2 s: longer than the timeout, but never 500 ms without traffic.
        ScheduledExecutorService writer = Executors.newSingleThreadScheduledExecutor();
        AtomicInteger sent = new AtomicInteger();
        long opened = System.nanoTime();
        try {
            writer.scheduleAtFixedRate(() -> {
                if (sent.get() < 7) {
                    try {
                        socket.getOutputStream().write('a' + sent.getAndIncrement());
                    } catch (IOException e) {
                        throw new RuntimeException(e);
                    }
                }
            }, 0, 200, TimeUnit.MILLISECONDS);
            InputStream in = socket.getInputStream();
            for (int i = 0; i < 7; i++) {
                assertThat(in.read()).as("echo %d", i).isEqualTo('a' + i);
            }
        } finally {
            writer.shutdownNow();
        }
        long lastEcho = System.nanoTime();
        assertThat(Duration.ofNanos(lastEcho - opened)).isGreaterThan(Duration.ofMillis(1100));

        assertThat(closedByPeer(socket)).as("closed by Ferry").isTrue();
        Duration idle = Duration.ofNanos(System.nanoTime() - lastEcho);
        assertThat(idle).isBetween(Duration.ofMillis(450), Duration.ofMillis(2000));
        echo.nextConnection().closedByPeer().get(5, TimeUnit.SECONDS);
    }

    @Test
    void maxConnectionsRefusesConnectionsBeyondTheLimit() throws Exception {
        TcpEchoServer echo = echo();
        ferry(servers(echo.port()), "limits: { max_connections: 2 }");
        Socket first = connect();
        Socket second = connect();
        assertThat(echoed(first, "one")).isEqualTo("one");
        assertThat(echoed(second, "two")).isEqualTo("two");

        Socket third = connect();
        third.getOutputStream().write("three".getBytes(StandardCharsets.US_ASCII));
        assertThat(closedByPeer(third)).as("third connection closed").isTrue();
        assertThat(echo.connectionsAccepted()).isEqualTo(2);
        assertThat(echoed(first, "still")).isEqualTo("still");

        first.close();
        await().atMost(Duration.ofSeconds(5)).until(() -> ferry.server().openConnections() == 1);
        Socket fourth = connect();
        assertThat(echoed(fourth, "four")).isEqualTo("four");
        assertThat(echo.connectionsAccepted()).isEqualTo(3);
    }

    @Test
    void aServersMaxConnectionsSendsTheNextConnectionElsewhereAndNoneWhenAllAreFull() throws Exception {
        TcpEchoServer e1 = echo();
        TcpEchoServer e2 = echo();
        ferry("""
                servers:
                  - { address: "127.0.0.1:%d", max_connections: 1 }
                  - { address: "127.0.0.1:%d", max_connections: 1 }
                """.formatted(e1.port(), e2.port()), "");
        Socket first = connect();
        assertThat(echoed(first, "one")).isEqualTo("one");
        TcpEchoServer firstServer = e1.connectionsAccepted() == 1 ? e1 : e2;
        TcpEchoServer otherServer = firstServer == e1 ? e2 : e1;
        Socket second = connect();
        assertThat(echoed(second, "two")).isEqualTo("two");
        assertThat(otherServer.connectionsAccepted()).isEqualTo(1);

        Socket third = connect();
        assertThat(closedByPeer(third)).as("both servers full").isTrue();
        assertThat(e1.connectionsAccepted() + e2.connectionsAccepted()).isEqualTo(2);

        // One frees up (Ferry has closed its side towards the server): the next connection gets it.
        first.close();
        firstServer.nextConnection().closedByPeer().get(5, TimeUnit.SECONDS);
        Socket fourth = connect();
        assertThat(echoed(fourth, "four")).isEqualTo("four");
        assertThat(firstServer.connectionsAccepted()).isEqualTo(2);
        assertThat(otherServer.connectionsAccepted()).isEqualTo(1);
    }
}
