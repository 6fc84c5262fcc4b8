package dev.ferry.it;

import static java.util.Objects.requireNonNull;
import static org.awaitility.Awaitility.await;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.awaitility.core.ConditionTimeoutException;
import org.awaitility.core.TerminalFailureException;

/**
 * {@code target/ferry.jar} running as a child process, the way a supervisor runs it: its own JVM,
 * its own flags, stdout and stderr captured to files in its working directory, stopped by SIGTERM
 * ({@link Process#destroy()} on Linux). {@link #close()} always kills it, so a failed test never
 * leaves a proxy behind.
 */
public final class FerryProcess implements AutoCloseable {

    /** Set by failsafe (pom.xml); the fallback suits a run from the project root. */
    private static final Path JAR = Path.of(System.getProperty("ferry.jar", "target/ferry.jar"));

    private final Process process;
    private final Path stdout;
    private final Path stderr;

    private FerryProcess(Process process, Path stdout, Path stderr) {
        this.process = process;
        this.stdout = stdout;
        this.stderr = stderr;
    }

    /**
     * Starts {@code java JVM_FLAGS -jar ferry.jar ARGS} with {@code dir} as its working directory
     * (relative paths in {@code args} resolve there), output in {@code dir/ferry.out} and {@code
     * dir/ferry.err}.
     */
    public static FerryProcess start(Path dir, List<String> jvmFlags, String... args) {
        requireNonNull(dir, "dir");
        if (!Files.isRegularFile(JAR)) {
            throw new IllegalStateException(JAR.toAbsolutePath() + " is missing: run `./mvnw package` first");
        }
        List<String> command = new ArrayList<>();
        command.add(Path.of(System.getProperty("java.home"), "bin", "java").toString());
        command.addAll(jvmFlags);
        command.add("-jar");
        command.add(JAR.toAbsolutePath().toString());
        command.addAll(List.of(args));
        Path out = dir.resolve("ferry.out");
        Path err = dir.resolve("ferry.err");
        try {
            Process process = new ProcessBuilder(command)
                    .directory(dir.toFile())
                    .redirectOutput(out.toFile())
                    .redirectError(err.toFile())
                    .start();
            process.getOutputStream().close();
            return new FerryProcess(process, out, err);
        } catch (IOException e) {
            throw new UncheckedIOException("cannot start " + command, e);
        }
    }

    /** {@code ferry run -c ferry.yaml} with {@code yaml} written to {@code dir/ferry.yaml}. */
    public static FerryProcess run(Path dir, String yaml, String... jvmFlags) {
        Path config = writeFile(dir, "ferry.yaml", yaml);
        return start(dir, List.of(jvmFlags), "run", "-c", config.getFileName().toString());
    }

    public static Path writeFile(Path dir, String name, String text) {
        try {
            return Files.writeString(dir.resolve(name), text, StandardCharsets.UTF_8);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /**
     * A port nothing listens on right now: bound on port 0, then released. Another process could
     * take it before the child binds it; on a test machine that is rare enough.
     */
    public static int freePort() {
        try (ServerSocket socket = new ServerSocket()) {
            socket.setReuseAddress(false);
            socket.bind(new InetSocketAddress("127.0.0.1", 0));
            return socket.getLocalPort();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** True when a TCP connection to 127.0.0.1:{@code port} is accepted (it is closed at once). */
    public static boolean accepts(int port) {
        try (Socket socket = new Socket()) {
            socket.connect(new InetSocketAddress("127.0.0.1", port), 1000);
            return true;
        } catch (IOException e) {
            return false;
        }
    }

    /** Waits until the child accepts connections on {@code port}; fails early if it exits instead. */
    public FerryProcess awaitListening(int port) {
        return awaitListening(port, Duration.ofMillis(50));
    }

    /** As {@link #awaitListening(int)}, trying every {@code pollInterval}. */
    public FerryProcess awaitListening(int port, Duration pollInterval) {
        try {
            await("Ferry listening on " + port)
                    .atMost(Duration.ofSeconds(20))
                    .pollInterval(pollInterval)
                    .failFast("Ferry exited before listening", () -> !process.isAlive())
                    .until(() -> accepts(port));
        } catch (ConditionTimeoutException | TerminalFailureException e) {
            throw new AssertionError(e.getMessage() + "; stderr:\n" + stderr(), e);
        }
        return this;
    }

    /** Sends SIGTERM (on Linux, {@link Process#destroy()} is exactly that). */
    public void terminate() {
        process.destroy();
    }

    /** The exit code, waiting at most {@code timeout}; an {@link AssertionError} if still running. */
    public int awaitExit(Duration timeout) {
        try {
            if (!process.waitFor(timeout.toMillis(), TimeUnit.MILLISECONDS)) {
                throw new AssertionError("Ferry still running after " + timeout + "; stderr:\n" + stderr());
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new AssertionError("interrupted while waiting for Ferry to exit", e);
        }
        return process.exitValue();
    }

    public boolean isAlive() {
        return process.isAlive();
    }

    public long pid() {
        return process.pid();
    }

    /** Everything the child wrote to stdout so far. */
    public String stdout() {
        return read(stdout);
    }

    /** Everything the child wrote to stderr so far. */
    public String stderr() {
        return read(stderr);
    }

    private static String read(Path file) {
        try {
            return Files.readString(file, StandardCharsets.UTF_8);
        } catch (IOException e) {
            return "<cannot read " + file + ": " + e + ">";
        }
    }

    /** Kills the child (SIGKILL; nothing happens if it already exited) and waits, bounded, until it is gone. */
    @Override
    public void close() {
        process.destroyForcibly();
        try {
            process.waitFor(10, TimeUnit.SECONDS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    @Override
    public String toString() {
        return "FerryProcess[pid " + process.pid() + (process.isAlive() ? ", running" : ", exited") + "]";
    }
}
