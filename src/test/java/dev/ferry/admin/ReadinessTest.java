package dev.ferry.admin;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import dev.ferry.demo.DemoOrigin;
import dev.ferry.testing.LoadClient;
import dev.ferry.testing.TestFerry;
import java.net.ConnectException;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.time.Duration;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * Graceful shutdown as a load balancer sees it: {@code /readyz} answers 503 from the moment the
 * shutdown begins, while requests in flight still drain; the admin listener answers until the
 * drain is over, then closes with the rest.
 */
class ReadinessTest {

    private DemoOrigin origin;
    private TestFerry ferry;
    private AdminClient admin;

    @BeforeEach
    void start() throws Exception {
        origin = DemoOrigin.start(DemoOrigin.Options.defaults());
        ferry = TestFerry.start("""
                listeners:
                  - name: edge
                    bind: 127.0.0.1:0
                    routes: [ { name: all, upstream: origin } ]
                upstreams:
                  origin: { servers: [ "127.0.0.1:%d" ] }
                admin: { bind: 127.0.0.1:0 }
                """.formatted(origin.port()));
        admin = new AdminClient(ferry.server().adminAddress().orElseThrow(), null);
    }

    @AfterEach
    void stop() {
        ferry.close();
        origin.close();
    }

    @Test
    void readyzTurns503BeforeTheDrainAndTheAdminListenerOutlivesIt() throws Exception {
        assertThat(admin.get("/readyz").status()).isEqualTo(200);
        int edge = ferry.port("edge");
        InetSocketAddress adminAddress = ferry.server().adminAddress().orElseThrow();
        CompletableFuture<LoadClient.Reply> slow = CompletableFuture.supplyAsync(() -> {
            try (LoadClient client = new LoadClient(edge)) {
                return client.get("ready.test", "/delay/3000", "");
            } catch (Exception e) {
                throw new IllegalStateException(e);
            }
        });
        await().atMost(Duration.ofSeconds(5)).until(() -> ferry.server().requestsInFlight() == 1);

        CompletableFuture<Void> shutdown = CompletableFuture.runAsync(
                () -> ferry.server().shutdown(Duration.ofSeconds(20)));

        await().atMost(Duration.ofSeconds(5)).until(() -> admin.get("/readyz").status() == 503);
        // Unready while the request is still being served: the drain has not finished.
        assertThat(slow).isNotDone();
        assertThat(ferry.server().requestsInFlight()).isEqualTo(1);
        AdminClient.Answer readyz = admin.get("/readyz");
        assertThat(readyz.json()).containsEntry("ready", false);
        assertThat(admin.get("/healthz").status()).isEqualTo(200);
        assertThat(Prometheus.parse(admin.get("/metrics").body()).sum("ferry_ready")).isEqualTo(0);
        // The proxy listener stopped accepting.
        await().atMost(Duration.ofSeconds(5)).until(() -> refuses(edge));

        LoadClient.Reply reply = slow.get(10, TimeUnit.SECONDS);
        assertThat(reply.status()).isEqualTo(200);
        assertThat(reply.closes()).isTrue();
        shutdown.get(10, TimeUnit.SECONDS);
        assertThat(refuses(adminAddress.getPort())).isTrue();
    }

    private static boolean refuses(int port) throws Exception {
        try (Socket socket = new Socket()) {
            socket.connect(new InetSocketAddress("127.0.0.1", port), 1000);
            return false;
        } catch (ConnectException e) {
            return true;
        }
    }
}
