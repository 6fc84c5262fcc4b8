package dev.ferry.testing;

import static org.awaitility.Awaitility.await;

import java.io.File;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;

/**
 * A real {@code redis-server} process of the test's own on a free loopback port, whatever else
 * runs on the machine: no persistence, killed on {@link #close}. {@link #pause} and {@link #resume}
 * freeze and thaw it with SIGSTOP/SIGCONT, as a Redis that hangs.
 */
public final class RedisServer implements AutoCloseable {

    private final Process process;
    private final int port;

    private RedisServer(Process process, int port) {
        this.process = process;
        this.port = port;
    }

    public static RedisServer start() {
        return start(port -> List.of("--port", String.valueOf(port), "--bind", "127.0.0.1", "--save", "",
                "--appendonly", "no", "--protected-mode", "no", "--loglevel", "warning"));
    }

    /** A Sentinel (redis-server --sentinel) watching {@code master} under the name {@code masterName}. */
    public static RedisServer startSentinel(RedisServer master, String masterName) {
        return start(port -> {
            try {
                Path config = Files.createTempFile("sentinel", ".conf");
                config.toFile().deleteOnExit();
                Files.writeString(config, "port " + port + "\nbind 127.0.0.1\nprotected-mode no\n"
                        + "sentinel monitor " + masterName + " 127.0.0.1 " + master.port() + " 1\n");
                return List.of(config.toString(), "--sentinel", "--loglevel", "warning");
            } catch (IOException e) {
                throw new IllegalStateException(e);
            }
        });
    }

    private static RedisServer start(java.util.function.IntFunction<List<String>> arguments) {
        String binary = binary();
        for (int attempt = 0; ; attempt++) {
            int port = freePort();
            try {
                List<String> command = new java.util.ArrayList<>(List.of(binary));
                command.addAll(arguments.apply(port));
                Process process = new ProcessBuilder(command)
                        .redirectErrorStream(true)
                        .redirectOutput(ProcessBuilder.Redirect.DISCARD)
                        .start();
                RedisServer server = new RedisServer(process, port);
                await().atMost(Duration.ofSeconds(10)).pollInterval(Duration.ofMillis(20))
                        .until(() -> !process.isAlive() || server.answersPing());
                if (process.isAlive()) {
                    return server;
                }
            } catch (IOException e) {
                throw new IllegalStateException("cannot run " + binary, e);
            }
            if (attempt == 3) {
                throw new IllegalStateException("redis-server did not start on a free port");
            }
        }
    }

    private static String binary() {
        for (String dir : List.of("/usr/bin", "/usr/local/bin", "/usr/sbin", "/opt/homebrew/bin")) {
            if (new File(dir, "redis-server").canExecute()) {
                return dir + "/redis-server";
            }
        }
        for (String dir : System.getenv().getOrDefault("PATH", "").split(File.pathSeparator)) {
            Path candidate = Path.of(dir, "redis-server");
            if (Files.isExecutable(candidate)) {
                return candidate.toString();
            }
        }
        throw new IllegalStateException("these tests need redis-server: apt-get install redis-server (.ci/run does)");
    }

    private static int freePort() {
        try (ServerSocket socket = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
            return socket.getLocalPort();
        } catch (IOException e) {
            throw new IllegalStateException(e);
        }
    }

    public int port() {
        return port;
    }

    public String uri() {
        return "redis://127.0.0.1:" + port;
    }

    /** Whether it answers {@code PING} within half a second. */
    public boolean answersPing() {
        try (Socket socket = new Socket(InetAddress.getLoopbackAddress(), port)) {
            socket.setSoTimeout(500);
            OutputStream out = socket.getOutputStream();
            out.write("PING\r\n".getBytes(StandardCharsets.US_ASCII));
            out.flush();
            InputStream in = socket.getInputStream();
            byte[] reply = in.readNBytes(7);
            return new String(reply, StandardCharsets.US_ASCII).equals("+PONG\r\n");
        } catch (IOException e) {
            return false;
        }
    }

    /** How many keys match {@code pattern} (KEYS, for tests only). */
    public int keys(String pattern) throws IOException {
        try (Socket socket = new Socket(InetAddress.getLoopbackAddress(), port)) {
            socket.setSoTimeout(2000);
            String command = "*2\r\n$4\r\nKEYS\r\n$" + pattern.getBytes(StandardCharsets.UTF_8).length + "\r\n"
                    + pattern + "\r\n";
            socket.getOutputStream().write(command.getBytes(StandardCharsets.UTF_8));
            java.io.BufferedReader reader = new java.io.BufferedReader(
                    new java.io.InputStreamReader(socket.getInputStream(), StandardCharsets.UTF_8));
            String header = reader.readLine();
            if (header == null || !header.startsWith("*")) {
                throw new IOException("unexpected reply to KEYS: " + header);
            }
            return Integer.parseInt(header.substring(1));
        }
    }

    /** Freezes it (SIGSTOP): connections stay open, nothing is answered. */
    public void pause() {
        signal("-STOP");
    }

    /** Thaws it (SIGCONT). */
    public void resume() {
        signal("-CONT");
    }

    private void signal(String signal) {
        try {
            int exit = new ProcessBuilder("kill", signal, String.valueOf(process.pid())).start().waitFor();
            if (exit != 0) {
                throw new IllegalStateException("kill " + signal + " failed");
            }
        } catch (IOException e) {
            throw new IllegalStateException(e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException(e);
        }
    }

    @Override
    public void close() {
        if (process.isAlive()) {
            resume();
        }
        process.destroyForcibly();
        try {
            process.waitFor();
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }
}
