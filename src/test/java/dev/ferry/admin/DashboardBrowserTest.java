package dev.ferry.admin;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import dev.ferry.demo.DemoOrigin;
import dev.ferry.testing.LoadClient;
import dev.ferry.testing.TestFerry;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/**
 * The dashboard in a real browser (headless chromium) while traffic flows through Ferry: the page
 * gets past the token, its four charts draw their series, its numbers move from one update to the
 * next, and the upstream table lists the servers. A screenshot is kept in
 * {@code target/dashboard.png}.
 */
class DashboardBrowserTest {

    private static final String TOKEN = "dashboard-token";
    private static final Path SCREENSHOT = Path.of("target", "dashboard.png");

    private DemoOrigin a;
    private DemoOrigin b;
    private TestFerry ferry;
    private ScheduledExecutorService traffic;
    private LoadClient client;
    private final AtomicLong sent = new AtomicLong();
    private final AtomicInteger failures = new AtomicInteger();

    @BeforeEach
    void start() throws Exception {
        a = DemoOrigin.start(DemoOrigin.Options.defaults().withName("a"));
        b = DemoOrigin.start(DemoOrigin.Options.defaults().withName("b"));
        ferry = TestFerry.start("""
                listeners:
                  - name: edge
                    bind: 127.0.0.1:0
                    routes: [ { name: site, upstream: site, cache: pages } ]
                upstreams:
                  site: { servers: [ "127.0.0.1:%d", "127.0.0.1:%d" ] }
                caches:
                  pages: { max_size: 16MiB }
                admin: { bind: 127.0.0.1:0, token: %s }
                """.formatted(a.port(), b.port(), TOKEN));
        startTraffic(ferry.port("edge"));
    }

    /** About a hundred requests a second: cache hits, misses, 404s and the odd 503, paced by a timer. */
    private void startTraffic(int port) throws IOException {
        traffic = Executors.newSingleThreadScheduledExecutor(r -> new Thread(r, "dashboard-traffic"));
        client = new LoadClient(port);
        String[] paths = {"/small", "/small", "/small", "/echo?cache=no-store", "/small", "/status/404?cache=no-store",
                "/small", "/echo?cache=max-age=1", "/small", "/status/503?cache=no-store"};
        traffic.scheduleAtFixedRate(() -> {
            long n = sent.getAndIncrement();
            try {
                LoadClient.Reply reply = client.get("dashboard.test", paths[(int) (n % paths.length)], "");
                if (reply.closes()) {
                    client.reconnect();
                }
            } catch (IOException e) {
                failures.incrementAndGet();
                try {
                    client.reconnect();
                } catch (IOException again) {
                    failures.incrementAndGet();
                }
            }
        }, 0, 10, TimeUnit.MILLISECONDS);
    }

    @AfterEach
    void stop() throws Exception {
        traffic.shutdownNow();
        traffic.awaitTermination(5, TimeUnit.SECONDS);
        client.close();
        ferry.close();
        a.close();
        b.close();
    }

    @Test
    @Timeout(value = 120, unit = TimeUnit.SECONDS)
    @SuppressWarnings("unchecked")
    void chartsRenderAndNumbersMoveWhileTrafficFlows() throws Exception {
        int adminPort = ferry.server().adminAddress().orElseThrow().getPort();
        try (HeadlessChromium browser = HeadlessChromium.start(1280, 1100)) {
            browser.navigate("http://127.0.0.1:" + adminPort + "/#token=" + TOKEN);

            // Enough updates for a few seconds of history in every chart.
            await().atMost(Duration.ofSeconds(45)).pollInterval(Duration.ofMillis(250))
                    .until(() -> updates(browser) >= 4 && historyLength(browser) >= 3);
            assertThat(browser.evaluate("document.getElementById('login').hidden")).isEqualTo(true);
            assertThat(browser.evaluate("window.ferryDashboard.failures")).isEqualTo(0L);

            long firstUpdates = updates(browser);
            String firstTotal = text(browser, "total");
            await().atMost(Duration.ofSeconds(15)).pollInterval(Duration.ofMillis(250))
                    .until(() -> updates(browser) > firstUpdates && !text(browser, "total").equals(firstTotal));
            assertThat(parse(text(browser, "total"))).isGreaterThan(parse(firstTotal));

            // Tiles show live numbers.
            assertThat(parse(text(browser, "rps"))).isPositive();
            assertThat(text(browser, "p50")).endsWith(" ms");
            assertThat(text(browser, "p99")).endsWith(" ms");
            assertThat(text(browser, "hit")).endsWith(" %");
            assertThat(parse(text(browser, "hit"))).isBetween(1.0, 100.0);
            assertThat(text(browser, "ready")).isEqualTo("ready");

            // Each chart drew its series: pixels of the series' colour on a canvas of real size.
            assertThat(seriesPixels(browser, "chart-rps", 0x2e9d4a)).as("2xx line").isGreaterThan(30);
            assertThat(seriesPixels(browser, "chart-latency", 0x9a4fd1)).as("p99 line").isGreaterThan(30);
            assertThat(seriesPixels(browser, "chart-hit", 0x2e9d4a)).as("hit ratio line").isGreaterThan(30);
            assertThat(seriesPixels(browser, "chart-connections", 0x2f6fdb)).as("connections line").isGreaterThan(30);

            // The upstream table: both servers, healthy, with their addresses.
            List<Object> rows = (List<Object>) browser.evaluate("Array.from(document.querySelectorAll("
                    + "'#upstreams tbody tr')).map(r => Array.from(r.cells).map(c => c.textContent))");
            assertThat(rows).hasSize(2);
            assertThat(rows).extracting(row -> ((List<String>) row).get(1)).containsExactlyInAnyOrder(
                    "127.0.0.1:" + a.port(), "127.0.0.1:" + b.port());
            assertThat(rows).extracting(row -> ((List<String>) row).get(2)).containsOnly("healthy");

            Files.createDirectories(SCREENSHOT.getParent());
            byte[] png = browser.screenshot();
            Files.write(SCREENSHOT, png);
            assertThat(png).startsWith(0x89, 'P', 'N', 'G');
            assertThat(png.length).isGreaterThan(20_000);
        }
        assertThat(failures.get()).isZero();
    }

    private static long updates(HeadlessChromium browser) {
        Object updates = browser.evaluate("window.ferryDashboard ? window.ferryDashboard.updates : 0");
        return updates instanceof Long n ? n : 0;
    }

    private static long historyLength(HeadlessChromium browser) {
        Object length = browser.evaluate("window.ferryDashboard && window.ferryDashboard.lastStats ? "
                + "window.ferryDashboard.lastStats.history.time.length : 0");
        return length instanceof Long n ? n : 0;
    }

    private static String text(HeadlessChromium browser, String id) {
        return (String) browser.evaluate("document.getElementById('" + id + "').textContent");
    }

    /** The number at the start of a tile's text ("1,234", "0.52 ms", "87.5 %"). */
    private static double parse(String text) {
        String number = text.replace(",", "").split(" ")[0];
        return Double.parseDouble(number);
    }

    /** Pixels of the chart's canvas within a small distance of {@code rgb}: how much of that series was drawn. */
    private static long seriesPixels(HeadlessChromium browser, String chart, int rgb) {
        Object count = browser.evaluate("""
                (() => {
                  const canvas = document.querySelector('#%s canvas');
                  if (!canvas || canvas.width < 100 || canvas.height < 100) return -1;
                  const data = canvas.getContext('2d').getImageData(0, 0, canvas.width, canvas.height).data;
                  const [r, g, b] = [%d, %d, %d];
                  let n = 0;
                  for (let i = 0; i < data.length; i += 4) {
                    if (data[i + 3] > 200 && Math.abs(data[i] - r) < 24 && Math.abs(data[i + 1] - g) < 24
                        && Math.abs(data[i + 2] - b) < 24) n++;
                  }
                  return n;
                })()
                """.formatted(chart, rgb >> 16 & 0xff, rgb >> 8 & 0xff, rgb & 0xff));
        return count instanceof Long n ? n : -1;
    }
}
