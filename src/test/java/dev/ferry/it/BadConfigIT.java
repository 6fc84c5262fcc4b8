package dev.ferry.it;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** A config with several mistakes: the process names each of them, starts nothing and exits 1. */
class BadConfigIT {

    @TempDir
    Path dir;

    private int port;

    @BeforeEach
    void writeBadConfig() {
        port = FerryProcess.freePort();
        FerryProcess.writeFile(dir, "bad.yaml", """
                server: { workers: -1, drain_timeout: 5s }
                listeners:
                  - name: edge
                    bind: 127.0.0.1:%d
                    forward_proxy:
                      connect_ports: [443, 70000]
                      allow_clients: [10.1.2.3/8]
                  - name: edge
                    bind: 127.0.0.1:0
                    forward_proxy: {}
                limits:
                  header_timeout: 10
                """.formatted(port));
    }

    /** {@code file:line: path: } of each error, in file order. */
    private static final List<String> ERRORS = List.of(
            "bad.yaml:1: server.workers: ",
            "bad.yaml:6: listeners[0].forward_proxy.connect_ports[1]: ",
            "bad.yaml:7: listeners[0].forward_proxy.allow_clients[0]: ",
            "bad.yaml:8: listeners[1].name: ",
            "bad.yaml:12: limits.header_timeout: ");

    @Test
    void runPrintsEveryErrorExitsOneAndListensOnNothing() {
        try (FerryProcess ferry = FerryProcess.start(dir, List.of(), "run", "-c", "bad.yaml")) {
            assertThat(ferry.awaitExit(Duration.ofSeconds(15))).as(ferry.stderr()).isEqualTo(1);
            assertErrorsPrinted(ferry.stderr());
            assertThat(ferry.stderr()).contains("ferry: 5 error(s) in bad.yaml; not started");
            assertThat(ferry.stdout()).isEmpty();
        }
        assertThat(FerryProcess.accepts(port)).as("something listens on the port of the bad config").isFalse();
    }

    @Test
    void validatePrintsTheSameErrorsAndExitsOne() {
        try (FerryProcess ferry = FerryProcess.start(dir, List.of(), "validate", "-c", "bad.yaml")) {
            assertThat(ferry.awaitExit(Duration.ofSeconds(15))).as(ferry.stderr()).isEqualTo(1);
            assertErrorsPrinted(ferry.stderr());
            assertThat(ferry.stderr()).contains("5 error(s)");
        }
    }

    private static void assertErrorsPrinted(String stderr) {
        List<String> errorLines = stderr.lines().filter(line -> line.startsWith("bad.yaml:")).toList();
        assertThat(errorLines).as(stderr).hasSize(ERRORS.size());
        for (int i = 0; i < ERRORS.size(); i++) {
            // each line: the location, then a message that is not empty
            assertThat(errorLines.get(i)).startsWith(ERRORS.get(i));
            assertThat(errorLines.get(i).substring(ERRORS.get(i).length())).isNotBlank();
        }
    }
}
