package dev.ferry.testing;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;

/** Runs the curl command line, for tests that check Ferry with a real, independent client. */
public final class Curl {

    private static Boolean http2;

    private Curl() {
    }

    /** Whether curl is installed and built with HTTP/2 (nghttp2). */
    public static synchronized boolean available() {
        if (http2 == null) {
            try {
                Result version = run("-V");
                http2 = version.exit() == 0 && version.output().contains("HTTP2");
            } catch (IOException | InterruptedException | IllegalStateException e) {
                http2 = false;
            }
        }
        return http2;
    }

    /** Output (stdout and stderr) and exit code. */
    public record Result(int exit, String output) {
    }

    public static Result run(String... args) throws IOException, InterruptedException {
        return runWithInput(null, args);
    }

    /** As {@link #run}, with {@code input} as curl's standard input (null: none). */
    public static Result runWithInput(Path input, String... args) throws IOException, InterruptedException {
        List<String> command = new ArrayList<>();
        command.add("curl");
        command.addAll(List.of(args));
        ProcessBuilder builder = new ProcessBuilder(command).redirectErrorStream(true);
        if (input != null) {
            builder.redirectInput(input.toFile());
        }
        Process process = builder.start();
        if (input == null) {
            process.getOutputStream().close();
        }
        byte[] output = process.getInputStream().readAllBytes();
        if (!process.waitFor(60, TimeUnit.SECONDS)) {
            process.destroyForcibly();
            throw new IllegalStateException("timed out: " + command);
        }
        return new Result(process.exitValue(), new String(output, StandardCharsets.UTF_8));
    }
}
