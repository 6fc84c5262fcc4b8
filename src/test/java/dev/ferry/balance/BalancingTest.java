package dev.ferry.balance;

import static org.assertj.core.api.Assertions.assertThat;

import dev.ferry.demo.DemoOrigin;
import dev.ferry.testing.LoadClient;
import dev.ferry.testing.TestFerry;
import java.io.IOException;
import java.io.InputStream;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collection;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.function.Function;
import java.util.function.IntFunction;
import java.util.stream.Collectors;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * Each balancing strategy through Ferry over real sockets, with five demo origins that name
 * themselves in {@code X-Origin}. Every strategy has an upstream of its own, chosen by host.
 */
class BalancingTest {

    private static final List<DemoOrigin> origins = new ArrayList<>();
    private static TestFerry ferry;

    @BeforeAll
    static void start() throws Exception {
        for (int i = 1; i <= 5; i++) {
            origins.add(DemoOrigin.start(DemoOrigin.Options.defaults().withName("o" + i)));
        }
        ferry = TestFerry.start("""
                listeners:
                  - name: edge
                    bind: 127.0.0.1:0
                    routes:
                      - { name: rr, match: { host: rr.test }, upstream: rr }
                      - { name: wrr, match: { host: wrr.test }, upstream: wrr }
                      - { name: least, match: { host: least.test }, upstream: least }
                      - { name: p2c, match: { host: p2c.test }, upstream: p2c }
                      - { name: user, match: { host: user.test }, upstream: by_user }
                      - { name: session, match: { host: session.test }, upstream: by_session }
                      - { name: ip, match: { host: ip.test }, upstream: by_ip }
                upstreams:
                  rr:
                    servers: [ "127.0.0.1:%1$d", "127.0.0.1:%2$d" ]
                  wrr:
                    balance: weighted_round_robin
                    servers:
                      - { address: "127.0.0.1:%1$d", weight: 3 }
                      - { address: "127.0.0.1:%2$d", weight: 2 }
                  least:
                    balance: least_connections
                    servers: [ "127.0.0.1:%1$d", "127.0.0.1:%2$d" ]
                  p2c:
                    balance: power_of_two
                    servers: [ "127.0.0.1:%1$d", "127.0.0.1:%2$d", "127.0.0.1:%3$d" ]
                  by_user:
                    balance: consistent_hash
                    hash_key: header:X-User
                    %6$s
                  by_session:
                    balance: consistent_hash
                    hash_key: cookie:session
                    %6$s
                  by_ip:
                    balance: consistent_hash
                    hash_key: client_ip
                    %6$s
                """.formatted(port(0), port(1), port(2), port(3), port(4), serverList(origins)));
    }

    @AfterAll
    static void stop() {
        ferry.close();
        origins.forEach(DemoOrigin::close);
    }

    @AfterEach
    void resetOrigins() {
        for (DemoOrigin origin : origins) {
            origin.setResponseDelay(Duration.ZERO);
            origin.reset();
        }
    }

    private static int port(int index) {
        return origins.get(index).port();
    }

    private static String serverList(Collection<DemoOrigin> servers) {
        return servers.stream().map(o -> "\"127.0.0.1:" + o.port() + "\"")
                .collect(Collectors.joining(", ", "servers: [ ", " ]"));
    }

    private static String get(String host, String path, String extraHeaders) {
        return "GET " + path + " HTTP/1.1\r\nHost: " + host + "\r\n" + extraHeaders + "\r\n";
    }

    /** Sends each request in turn on one keep-alive connection; returns who answered each. */
    private static List<String> sequentially(int port, int count, IntFunction<String> request) throws IOException {
        List<String> answeredBy = new ArrayList<>(count);
        try (LoadClient client = new LoadClient(port)) {
            for (int i = 0; i < count; i++) {
                LoadClient.Reply reply = client.send(request.apply(i));
                assertThat(reply.status()).as("request %d", i).isEqualTo(200);
                answeredBy.add(reply.origin());
            }
        }
        return answeredBy;
    }

    /** {@code clients} keep-alive clients at once, each sending {@code perClient} requests in turn. */
    private static List<String> concurrently(int clients, int perClient, IntFunction<String> request)
            throws Exception {
        ExecutorService pool = Executors.newFixedThreadPool(clients);
        try {
            CountDownLatch go = new CountDownLatch(1);
            List<Future<List<String>>> futures = new ArrayList<>();
            for (int c = 0; c < clients; c++) {
                futures.add(pool.submit(() -> {
                    go.await();
                    return sequentially(ferry.port("edge"), perClient, request);
                }));
            }
            go.countDown();
            List<String> all = new ArrayList<>();
            for (Future<List<String>> future : futures) {
                all.addAll(future.get(30, TimeUnit.SECONDS));
            }
            return all;
        } finally {
            pool.shutdownNow();
        }
    }

    private static Map<String, Long> counts(List<String> answeredBy) {
        return answeredBy.stream().collect(Collectors.groupingBy(Function.identity(), Collectors.counting()));
    }

    private static int longestRun(List<String> sequence, String origin) {
        int longest = 0;
        int run = 0;
        for (String name : sequence) {
            run = name.equals(origin) ? run + 1 : 0;
            longest = Math.max(longest, run);
        }
        return longest;
    }

    @Test
    void roundRobinAlternates() throws Exception {
        List<String> answeredBy = sequentially(ferry.port("edge"), 100, i -> get("rr.test", "/small", ""));
        for (int i = 1; i < answeredBy.size(); i++) {
            assertThat(answeredBy.get(i)).as("request %d", i).isNotEqualTo(answeredBy.get(i - 1));
        }
        assertThat(counts(answeredBy)).containsOnly(Map.entry("o1", 50L), Map.entry("o2", 50L));
    }

    @Test
    void weightedRoundRobinThreeToTwoIsExactAndInterleaved() throws Exception {
        List<String> answeredBy = sequentially(ferry.port("edge"), 500, i -> get("wrr.test", "/small", ""));
        assertThat(counts(answeredBy)).containsOnly(Map.entry("o1", 300L), Map.entry("o2", 200L));
        // a b a b a | a b a b a: the heavy server never answers more than twice in a row.
        assertThat(longestRun(answeredBy, "o1")).isLessThanOrEqualTo(2);
        assertThat(longestRun(answeredBy, "o2")).isEqualTo(1);
    }

    @Test
    void leastConnectionsSteersNewRequestsAwayFromASlowServer() throws Exception {
        origins.get(1).setResponseDelay(Duration.ofMillis(500));
        List<String> answeredBy = concurrently(30, 10, i -> get("least.test", "/small", ""));
        Map<String, Long> counts = counts(answeredBy);
        assertThat(counts.get("o1")).as("fast server's share of %s", counts).isGreaterThanOrEqualTo(225L);
        assertThat(counts.get("o2")).as("the slow server still gets some").isPositive();
    }

    @Test
    void powerOfTwoSpreadsLoadUnderASkewedMix() throws Exception {
        // Every fifth request is slow: a server that drew several of them carries more in flight.
        List<String> answeredBy = concurrently(40, 25,
                i -> get("p2c.test", i % 5 == 0 ? "/delay/300" : "/small", ""));
        Map<String, Long> counts = counts(answeredBy);
        assertThat(counts).as("shares %s", counts).hasSize(3);
        assertThat(counts.values()).as("shares %s", counts)
                .allSatisfy(n -> assertThat(n).isBetween(200L, 470L));
    }

    @Test
    void consistentHashByHeaderKeepsEachKeyOnOneServer() throws Exception {
        List<String> answeredBy = sequentially(ferry.port("edge"), 300,
                i -> get("user.test", "/small", "X-User: user-" + i % 100 + "\r\n"));
        assertSameServerPerKey(answeredBy, 100);
    }

    @Test
    void consistentHashByCookieKeepsEachKeyOnOneServer() throws Exception {
        List<String> answeredBy = sequentially(ferry.port("edge"), 300,
                i -> get("session.test", "/small", "Cookie: theme=dark; session=s" + i % 100 + "; lang=en\r\n"));
        assertSameServerPerKey(answeredBy, 100);
    }

    /** Request i carried key {@code i % keys}: each key must have had one server, and keys many servers. */
    private static void assertSameServerPerKey(List<String> answeredBy, int keys) {
        Map<Integer, Set<String>> serversOfKey = new HashMap<>();
        for (int i = 0; i < answeredBy.size(); i++) {
            serversOfKey.computeIfAbsent(i % keys, k -> new HashSet<>()).add(answeredBy.get(i));
        }
        assertThat(serversOfKey).allSatisfy((key, servers) -> assertThat(servers).as("key %d", key).hasSize(1));
        assertThat(new HashSet<>(answeredBy)).as("servers used").hasSizeGreaterThanOrEqualTo(4);
    }

    @Test
    void consistentHashByClientIpKeepsEachClientOnOneServer() throws Exception {
        Map<String, Set<String>> serversOfClient = new HashMap<>();
        for (int c = 1; c <= 20; c++) {
            String client = "127.0.0." + c;
            for (int i = 0; i < 5; i++) {
                serversOfClient.computeIfAbsent(client, k -> new HashSet<>()).add(originFrom(client));
            }
        }
        assertThat(serversOfClient).allSatisfy((client, servers) -> assertThat(servers).as(client).hasSize(1));
        Set<String> used = serversOfClient.values().stream().flatMap(Set::stream).collect(Collectors.toSet());
        assertThat(used).as("servers used by 20 clients").hasSizeGreaterThanOrEqualTo(3);
    }

    /** One request to ip.test on a new connection from {@code localAddress}; who answered. */
    private static String originFrom(String localAddress) throws IOException {
        try (Socket socket = new Socket()) {
            socket.setSoTimeout(5000);
            socket.bind(new InetSocketAddress(InetAddress.getByName(localAddress), 0));
            socket.connect(ferry.address("edge"), 5000);
            socket.getOutputStream().write(get("ip.test", "/small", "Connection: close\r\n")
                    .getBytes(StandardCharsets.US_ASCII));
            InputStream in = socket.getInputStream();
            String response = new String(in.readAllBytes(), StandardCharsets.ISO_8859_1);
            assertThat(response).startsWith("HTTP/1.1 200");
            for (String line : response.split("\r\n")) {
                if (line.toLowerCase().startsWith("x-origin:")) {
                    return line.substring("x-origin:".length()).trim();
                }
            }
            throw new AssertionError("no X-Origin in " + response.lines().findFirst().orElse(""));
        }
    }

    @Test
    void removingOneOfFiveServersMovesOnlyItsKeysAboutAFifth() throws Exception {
        int keys = 1000;
        List<String> before = sequentially(ferry.port("edge"), keys,
                i -> get("user.test", "/small", "X-User: key-" + i + "\r\n"));
        Map<String, Long> shares = counts(before);
        assertThat(shares).hasSize(5);
        assertThat(shares.values()).as("shares %s", shares).allSatisfy(n -> assertThat(n).isBetween(100L, 300L));

        // Ports, hence ring positions, differ from run to run; the median server stands for "one of five"
        // (any single one would be outside 15-25% in about one run in a hundred).
        String removed = shares.entrySet().stream().sorted(Map.Entry.comparingByValue())
                .skip(2).findFirst().orElseThrow().getKey();
        List<DemoOrigin> remaining = origins.stream().filter(o -> !o.options().name().equals(removed)).toList();
        try (TestFerry four = TestFerry.start("""
                listeners:
                  - name: edge
                    bind: 127.0.0.1:0
                    routes:
                      - { name: user, upstream: by_user }
                upstreams:
                  by_user:
                    balance: consistent_hash
                    hash_key: header:X-User
                    %s
                """.formatted(serverList(remaining)))) {
            List<String> after = sequentially(four.port("edge"), keys,
                    i -> get("user.test", "/small", "X-User: key-" + i + "\r\n"));
            List<Integer> moved = new ArrayList<>();
            for (int i = 0; i < keys; i++) {
                if (!before.get(i).equals(after.get(i))) {
                    moved.add(i);
                    assertThat(before.get(i)).as("a key that moved, key-%d", i).isEqualTo(removed);
                }
            }
            assertThat(moved).as("keys that moved").hasSize(shares.get(removed).intValue());
            assertThat(moved.size()).isBetween(150, 250);
        }
    }
}
