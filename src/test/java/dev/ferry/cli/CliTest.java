package dev.ferry.cli;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.junit.jupiter.api.Assertions.assertTimeoutPreemptively;

import java.io.IOException;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.net.ConnectException;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The {@code ferry} command line, run in-process with its output captured. */
class CliTest {

    @TempDir
    Path dir;

    /** Exit code and everything printed by one run of the command line. */
    private record Run(int exitCode, String out, String err) {
    }

    private static Run ferry(String... args) {
        StringWriter out = new StringWriter();
        StringWriter err = new StringWriter();
        int code = FerryCommand.execute(new PrintWriter(out, true), new PrintWriter(err, true), args);
        return new Run(code, out.toString(), err.toString());
    }

    private Path write(String name, String text) throws IOException {
        return Files.writeString(dir.resolve(name), text);
    }

    private static int freePort() throws IOException {
        try (ServerSocket socket = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
            return socket.getLocalPort();
        }
    }

    @Test
    void versionPrintsFerry() {
        Run run = ferry("--version");
        assertThat(run.exitCode()).isZero();
        assertThat(run.out()).startsWith("ferry ");
    }

    @Test
    void helpListsTheSubcommands() {
        Run run = ferry("--help");
        assertThat(run.exitCode()).isZero();
        assertThat(run.out()).contains("Usage: ferry").containsPattern("(?m)^\\s+run\\s")
                .containsPattern("(?m)^\\s+validate\\s").containsPattern("(?m)^\\s+forward\\s");
    }

    @Test
    void noSubcommandPrintsTheUsage() {
        Run run = ferry();
        assertThat(run.exitCode()).isZero();
        assertThat(run.out()).contains("Usage: ferry").contains("validate");
    }

    @Test
    void validateAcceptsAGoodConfig() throws Exception {
        Path good = write("good.yaml", """
                listeners:
                  - name: fwd
                    bind: 127.0.0.1:0
                    forward_proxy: {}
                  - name: edge
                    bind: 127.0.0.1:0
                    routes:
                      - name: api
                        match: { path_prefix: /v1 }
                        upstream: api
                upstreams:
                  api:
                    servers: [ { address: 127.0.0.1:8081 } ]
                limits: { header_timeout: 5s }
                access_log: { format: json, path: stdout }
                """);
        Run run = ferry("validate", "-c", good.toString());
        assertThat(run.exitCode()).isZero();
        assertThat(run.out()).contains(good + ": ok");
        assertThat(run.err()).isEmpty();
    }

    /** Four mistakes: each is reported as {@code file:line: path: message}, all in one run. */
    private static final String FOUR_MISTAKES = """
            listeners:
              - name: edge
                bind: 127.0.0.1:%d
                routes:
                  - name: api
                    match: { path_prefix: /v1 }
                    upstream: missing
                colour: blue
            upstreams:
              api:
                servers: [ { address: "127.0.0.1:70000" } ]
                timeouts: { connect: 5 }
            """;

    @Test
    void validateReportsEveryErrorWithFileLineAndPath() throws Exception {
        Path bad = write("bad.yaml", FOUR_MISTAKES.formatted(8080));
        Run run = ferry("validate", "-c", bad.toString());
        assertThat(run.exitCode()).isEqualTo(1);
        assertThat(run.out()).isEmpty();
        assertThat(run.err().lines()).satisfiesExactly(
                line -> assertThat(line).isEqualTo(
                        bad + ":7: listeners[0].routes[0].upstream: no upstream named 'missing' (upstreams: api)"),
                // The list of expected keys grows with the config, so only its start is pinned.
                line -> assertThat(line).startsWith(bad + ":8: listeners[0]: unknown key 'colour' (expected one of:"),
                line -> assertThat(line).isEqualTo(
                        bad + ":11: upstreams.api.servers[0].address: must be a port between 1 and 65535, got 70000"),
                line -> assertThat(line).isEqualTo(
                        bad + ":12: upstreams.api.timeouts.connect: '5' needs a unit: ms, s, m, h or d"),
                line -> assertThat(line).isEqualTo("4 error(s)"));
    }

    @Test
    void runWithABadConfigExitsWithoutListening() throws Exception {
        int port = freePort();
        Path bad = write("bad.yaml", FOUR_MISTAKES.formatted(port));
        Run run = assertTimeoutPreemptively(Duration.ofSeconds(10), () -> ferry("run", "-c", bad.toString()));
        assertThat(run.exitCode()).isEqualTo(1);
        assertThat(run.err()).contains(bad + ":7: listeners[0].routes[0].upstream: ")
                .contains("4 error(s) in " + bad + "; not started");
        assertThatThrownBy(() -> new Socket(InetAddress.getLoopbackAddress(), port).close())
                .isInstanceOf(ConnectException.class);
    }

    @Test
    void runOnAPortInUseExitsWithTheReason() throws Exception {
        try (ServerSocket taken = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
            Path config = write("taken.yaml", """
                    listeners:
                      - name: fwd
                        bind: 127.0.0.1:%d
                        forward_proxy: {}
                    """.formatted(taken.getLocalPort()));
            // Would block until a signal if Ferry did start; the timeout turns that into a failure.
            Run run = assertTimeoutPreemptively(Duration.ofSeconds(10), () -> ferry("run", "-c", config.toString()));
            assertThat(run.exitCode()).isEqualTo(1);
            assertThat(run.err()).contains("listeners[0] (fwd): cannot bind 127.0.0.1:" + taken.getLocalPort());
        }
    }

    @Test
    void validateOfAMissingFileSaysSo() {
        Path missing = dir.resolve("nope.yaml");
        Run run = ferry("validate", "-c", missing.toString());
        assertThat(run.exitCode()).isEqualTo(1);
        assertThat(run.err()).contains(missing + ": no such file");
    }

    @Test
    void runWithoutAConfigIsAUsageError() {
        Run run = ferry("run");
        assertThat(run.exitCode()).isEqualTo(2);
        assertThat(run.err()).contains("Missing required option").contains("--config");
    }
}
