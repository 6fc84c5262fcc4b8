package dev.ferry.it;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import dev.ferry.testing.RawHttp;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** {@code ferry demo}: proxies and the admin listener with the dashboard, its URL printed; SIGTERM stops it. */
class DemoIT {

    @TempDir
    Path dir;

    private FerryProcess ferry;

    @AfterEach
    void kill() {
        if (ferry != null) {
            ferry.close();
        }
    }

    private static RawHttp.Response get(int port, String path) throws Exception {
        try (RawHttp raw = new RawHttp(port)) {
            return raw.send("GET " + path + " HTTP/1.1\r\nHost: 127.0.0.1:" + port + "\r\n\r\n").read();
        }
    }

    @Test
    void startsTheDashboardAndPrintsItsUrl() throws Exception {
        int port = FerryProcess.freePort();
        int proxyPort = FerryProcess.freePort();
        int adminPort = FerryProcess.freePort();
        ferry = FerryProcess.start(dir, List.of(), "demo", "--port", String.valueOf(port),
                "--proxy-port", String.valueOf(proxyPort), "--admin-port", String.valueOf(adminPort));
        ferry.awaitListening(port);
        ferry.awaitListening(adminPort);

        assertThat(ferry.stdout()).contains("dashboard      http://127.0.0.1:" + adminPort + "/");
        assertThat(get(port, "/small").status()).isEqualTo(200);
        assertThat(get(adminPort, "/readyz").status()).isEqualTo(200);
        RawHttp.Response page = get(adminPort, "/");
        assertThat(page.status()).isEqualTo(200);
        assertThat(page.bodyText()).contains("Ferry dashboard");
        assertThat(get(adminPort, "/metrics").bodyText())
                .contains("ferry_requests_total{cache=\"miss\",listener=\"reverse\",route=\"demo\"");

        ferry.terminate();
        assertThat(ferry.awaitExit(Duration.ofSeconds(20))).isZero();
        await().atMost(Duration.ofSeconds(5)).until(() -> !FerryProcess.accepts(adminPort));
    }
}
