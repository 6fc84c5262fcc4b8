package dev.ferry.admin;

import static org.awaitility.Awaitility.await;

import com.fasterxml.jackson.core.JsonFactory;
import com.fasterxml.jackson.core.JsonGenerator;
import dev.ferry.testing.JsonText;
import java.io.ByteArrayOutputStream;
import java.io.File;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.net.http.WebSocket;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Base64;
import java.util.Comparator;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.stream.Stream;

/**
 * Debian's chromium, headless, driven over the DevTools protocol (a WebSocket, with the JDK's own
 * client): open a page, evaluate JavaScript in it, take a screenshot. Each call is bounded in time;
 * {@link #close} kills the browser and removes its profile.
 */
final class HeadlessChromium implements AutoCloseable {

    private static final JsonFactory JSON = new JsonFactory();
    private static final Duration CALL_TIMEOUT = Duration.ofSeconds(15);

    private final Process process;
    private final Path profile;
    private final WebSocket socket;
    private final AtomicInteger ids = new AtomicInteger();
    private final Map<Integer, CompletableFuture<Map<String, Object>>> pending = new ConcurrentHashMap<>();

    private HeadlessChromium(Process process, Path profile, WebSocket socket, Listener listener) {
        this.process = process;
        this.profile = profile;
        this.socket = socket;
        listener.owner = this;
    }

    /** Starts chromium with one blank page, {@code width}×{@code height} CSS pixels. */
    static HeadlessChromium start(int width, int height) throws Exception {
        String binary = binary();
        Path profile = Files.createTempDirectory("ferry-chromium");
        Process process = new ProcessBuilder(binary, "--headless=new", "--no-sandbox", "--disable-gpu",
                "--disable-dev-shm-usage", "--no-first-run", "--no-default-browser-check", "--disable-extensions",
                "--disable-background-networking", "--disable-sync", "--mute-audio", "--hide-scrollbars",
                "--remote-debugging-address=127.0.0.1", "--remote-debugging-port=0",
                "--user-data-dir=" + profile, "--window-size=" + width + "," + height, "about:blank")
                .redirectErrorStream(true)
                .redirectOutput(profile.resolve("chromium.log").toFile())
                .start();
        try {
            Path portFile = profile.resolve("DevToolsActivePort");
            await().atMost(Duration.ofSeconds(30)).pollInterval(Duration.ofMillis(50))
                    .until(() -> !process.isAlive() || Files.isRegularFile(portFile)
                            && Files.readAllLines(portFile).size() >= 2);
            if (!process.isAlive()) {
                throw new IllegalStateException("chromium exited with " + process.exitValue() + ": "
                        + Files.readString(profile.resolve("chromium.log")));
            }
            int port = Integer.parseInt(Files.readAllLines(portFile).get(0).trim());
            HttpClient http = HttpClient.newHttpClient();
            String pageSocket = await().atMost(Duration.ofSeconds(10)).pollInterval(Duration.ofMillis(50))
                    .until(() -> pageWebSocket(http, port), url -> url != null);
            Listener listener = new Listener();
            WebSocket socket = http.newWebSocketBuilder().connectTimeout(Duration.ofSeconds(10))
                    .buildAsync(URI.create(pageSocket), listener).get(10, TimeUnit.SECONDS);
            return new HeadlessChromium(process, profile, socket, listener);
        } catch (Exception | Error e) {
            process.destroyForcibly().waitFor(5, TimeUnit.SECONDS);
            deleteTree(profile);
            throw e;
        }
    }

    @SuppressWarnings("unchecked")
    private static String pageWebSocket(HttpClient http, int port) throws Exception {
        HttpResponse<String> list = http.send(HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + port
                + "/json/list")).timeout(Duration.ofSeconds(5)).build(), HttpResponse.BodyHandlers.ofString());
        Map<String, Object> wrapped = JsonText.object("{\"targets\":" + list.body() + "}");
        for (Map<String, Object> target : (List<Map<String, Object>>) wrapped.get("targets")) {
            if ("page".equals(target.get("type"))) {
                return (String) target.get("webSocketDebuggerUrl");
            }
        }
        return null;
    }

    /** Where Debian (and most distributions) put it, or {@code $CHROMIUM}. */
    static String binary() {
        String configured = System.getenv("CHROMIUM");
        if (configured != null && !configured.isBlank()) {
            return configured;
        }
        for (String name : List.of("chromium", "chromium-browser", "google-chrome", "google-chrome-stable")) {
            for (String dir : System.getenv().getOrDefault("PATH", "/usr/bin").split(File.pathSeparator)) {
                if (Files.isExecutable(Path.of(dir, name))) {
                    return Path.of(dir, name).toString();
                }
            }
        }
        throw new IllegalStateException("the dashboard test needs chromium: apt-get install chromium (.ci/run does), "
                + "or set CHROMIUM to a Chromium or Chrome binary");
    }

    /** Loads {@code url} in the page. */
    void navigate(String url) {
        call("Page.navigate", Map.of("url", url));
    }

    /** The value of a JavaScript expression (awaited when it is a promise), as JSON types. */
    @SuppressWarnings("unchecked")
    Object evaluate(String expression) {
        Map<String, Object> result = call("Runtime.evaluate", Map.of("expression", expression,
                "returnByValue", true, "awaitPromise", true));
        Map<String, Object> inner = (Map<String, Object>) result.get("result");
        if (result.containsKey("exceptionDetails")) {
            throw new IllegalStateException("JavaScript failed: " + result.get("exceptionDetails"));
        }
        return inner.get("value");
    }

    /** A PNG of the page as it is now. */
    byte[] screenshot() {
        Map<String, Object> result = call("Page.captureScreenshot", Map.of("format", "png"));
        return Base64.getDecoder().decode((String) result.get("data"));
    }

    @SuppressWarnings("unchecked")
    private Map<String, Object> call(String method, Map<String, Object> params) {
        int id = ids.incrementAndGet();
        CompletableFuture<Map<String, Object>> answer = new CompletableFuture<>();
        pending.put(id, answer);
        socket.sendText(message(id, method, params), true);
        try {
            Map<String, Object> response = answer.get(CALL_TIMEOUT.toMillis(), TimeUnit.MILLISECONDS);
            if (response.containsKey("error")) {
                throw new IllegalStateException(method + " failed: " + response.get("error"));
            }
            return (Map<String, Object>) response.get("result");
        } catch (Exception e) {
            throw new IllegalStateException(method + " did not answer: " + e, e);
        } finally {
            pending.remove(id);
        }
    }

    private static String message(int id, String method, Map<String, Object> params) {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        try (JsonGenerator json = JSON.createGenerator(out)) {
            json.writeStartObject();
            json.writeNumberField("id", id);
            json.writeStringField("method", method);
            json.writeObjectFieldStart("params");
            for (Map.Entry<String, Object> param : params.entrySet()) {
                Object value = param.getValue();
                if (value instanceof Boolean b) {
                    json.writeBooleanField(param.getKey(), b);
                } else if (value instanceof Number n) {
                    json.writeNumberField(param.getKey(), n.doubleValue());
                } else {
                    json.writeStringField(param.getKey(), String.valueOf(value));
                }
            }
            json.writeEndObject();
            json.writeEndObject();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        return out.toString(java.nio.charset.StandardCharsets.UTF_8);
    }

    private void received(String text) {
        Map<String, Object> message = JsonText.object(text);
        if (message.get("id") instanceof Long id) {
            CompletableFuture<Map<String, Object>> answer = pending.get(id.intValue());
            if (answer != null) {
                answer.complete(message);
            }
        }
    }

    @Override
    public void close() throws Exception {
        try {
            socket.abort();
        } finally {
            process.destroyForcibly().waitFor(10, TimeUnit.SECONDS);
            deleteTree(profile);
        }
    }

    private static void deleteTree(Path dir) throws IOException {
        if (!Files.exists(dir)) {
            return;
        }
        try (Stream<Path> paths = Files.walk(dir)) {
            for (Path path : paths.sorted(Comparator.reverseOrder()).toList()) {
                Files.deleteIfExists(path);
            }
        } catch (IOException e) {
            // The profile is a temporary directory; a file chromium still writes is not worth failing over.
        }
    }

    /** Collects the frames of each message (DevTools answers can be large: screenshots). */
    private static final class Listener implements WebSocket.Listener {
        private final List<CharSequence> parts = new ArrayList<>();
        volatile HeadlessChromium owner;

        @Override
        public CompletionStage<?> onText(WebSocket webSocket, CharSequence data, boolean last) {
            parts.add(data.toString());
            if (last) {
                String text = String.join("", parts);
                parts.clear();
                if (owner != null) {
                    owner.received(text);
                }
            }
            webSocket.request(1);
            return null;
        }
    }
}
