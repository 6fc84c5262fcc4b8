package dev.ferry.it;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import dev.ferry.demo.DemoOrigin;
import dev.ferry.testing.LoadClient;
import java.nio.file.Path;
import java.time.Duration;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** SIGHUP reloads the config file of a running process; a broken file is refused and logged. */
class ReloadIT {

    @TempDir
    Path dir;

    private static String config(int port, String upstream) {
        return """
                listeners:
                  - name: edge
                    bind: 127.0.0.1:%d
                    routes: [ { name: all, upstream: %s } ]
                upstreams:
                  a: { servers: [ "127.0.0.1:%d" ] }
                  b: { servers: [ "127.0.0.1:%d" ] }
                """.formatted(port, upstream, PORTS[0], PORTS[1]);
    }

    private static final int[] PORTS = new int[2];

    @Test
    void sighupSwapsTheRoutesAndABrokenFileIsRefused() throws Exception {
        try (DemoOrigin a = DemoOrigin.start(DemoOrigin.Options.defaults().withName("a"));
             DemoOrigin b = DemoOrigin.start(DemoOrigin.Options.defaults().withName("b"))) {
            PORTS[0] = a.port();
            PORTS[1] = b.port();
            int port = FerryProcess.freePort();
            try (FerryProcess ferry = FerryProcess.run(dir, config(port, "a")).awaitListening(port);
                 LoadClient client = new LoadClient(port)) {
                assertThat(client.get("x", "/echo", "").origin()).isEqualTo("a");

                FerryProcess.writeFile(dir, "ferry.yaml", config(port, "b"));
                hangUp(ferry);
                await().atMost(Duration.ofSeconds(10)).until(() -> client.get("x", "/echo", "").origin().equals("b"));

                FerryProcess.writeFile(dir, "ferry.yaml", config(port, "nowhere"));
                hangUp(ferry);
                await().atMost(Duration.ofSeconds(10)).until(() -> ferry.stderr().contains("reload refused"));
                assertThat(ferry.stderr()).contains("no upstream named 'nowhere'");
                assertThat(client.get("x", "/echo", "").origin()).isEqualTo("b");
                assertThat(ferry.isAlive()).isTrue();
            }
        }
    }

    private static void hangUp(FerryProcess ferry) throws Exception {
        assertThat(new ProcessBuilder("kill", "-HUP", String.valueOf(ferry.pid())).start().waitFor()).isZero();
    }
}
