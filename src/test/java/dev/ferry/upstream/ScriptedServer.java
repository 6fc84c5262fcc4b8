package dev.ferry.upstream;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * A misbehaving origin for failure tests, on a plain {@link ServerSocket}: it reads each request
 * (head and body, by {@code Content-Length} or chunked), counts it, and lets a {@link Script}
 * decide what happens next, such as closing without an answer, a 503, or a response that stalls
 * halfway. Every connection has its own daemon thread.
 */
final class ScriptedServer implements AutoCloseable {

    /** What the server does with a request it has read in full. */
    interface Script {

        /** Answers (or not); return false to close the connection, true to read the next request. */
        boolean serve(Request request, OutputStream out) throws IOException;
    }

    /** A request as read off the wire; header names lower-case. */
    record Request(String method, String uri, Map<String, String> headers, int bodyLength) {
    }

    private final ServerSocket listener;
    private final Script script;
    private final boolean readBody;
    private final ExecutorService threads = Executors.newCachedThreadPool(r -> {
        Thread thread = new Thread(r, "scripted-server");
        thread.setDaemon(true);
        return thread;
    });
    private final AtomicInteger heads = new AtomicInteger();
    private final AtomicInteger requests = new AtomicInteger();
    private final AtomicInteger connections = new AtomicInteger();
    private final List<Request> seen = new ArrayList<>();
    private final List<Socket> open = new ArrayList<>();

    private ScriptedServer(Script script, boolean readBody) throws IOException {
        this.listener = new ServerSocket(0, 200, InetAddress.getLoopbackAddress());
        this.script = script;
        this.readBody = readBody;
        threads.execute(this::acceptLoop);
    }

    static ScriptedServer start(Script script) throws IOException {
        return new ScriptedServer(script, true);
    }

    /** A server whose script runs once a request head is read, before (and without) its body. */
    static ScriptedServer startReadingHeadsOnly(Script script) throws IOException {
        return new ScriptedServer(script, false);
    }

    /** Reads the request, then closes the connection without a byte of response. */
    static Script closeWithoutAnswer() {
        return (request, out) -> false;
    }

    /** Answers 503 after {@code delayMillis} (a slow, failing server), then closes. */
    static Script answer503After(long delayMillis) {
        return (request, out) -> {
            if (delayMillis > 0) {
                try {
                    // The server's slowness is the scenario here, not a wait for something to happen.
                    Thread.sleep(delayMillis);
                } catch (InterruptedException e) {
                    Thread.currentThread().interrupt();
                    return false;
                }
            }
            out.write(("HTTP/1.1 503 Service Unavailable\r\nContent-Length: 12\r\nX-Origin: failing\r\n"
                    + "Connection: close\r\n\r\nunavailable\n").getBytes(StandardCharsets.US_ASCII));
            out.flush();
            return false;
        };
    }

    /** Answers 503 at once and keeps the connection, as a healthy-looking but overloaded server would. */
    static Script answer503KeepAlive() {
        return (request, out) -> {
            out.write(("HTTP/1.1 503 Service Unavailable\r\nContent-Length: 12\r\nX-Origin: failing\r\n\r\n"
                    + "unavailable\n").getBytes(StandardCharsets.US_ASCII));
            out.flush();
            return true;
        };
    }

    /**
     * Sends a response head announcing 100 bytes and only the first 10, then goes silent with the
     * connection open until the peer closes it.
     */
    static Script stallMidBody() {
        return (request, out) -> {
            out.write(("HTTP/1.1 200 OK\r\nContent-Length: 100\r\nX-Origin: stalling\r\n\r\n0123456789")
                    .getBytes(StandardCharsets.US_ASCII));
            out.flush();
            return true;
        };
    }

    int port() {
        return listener.getLocalPort();
    }

    /** Request heads read so far (a body may still be on its way, or never come). */
    int heads() {
        return heads.get();
    }

    /** Requests read in full so far. */
    int requests() {
        return requests.get();
    }

    int connectionsAccepted() {
        return connections.get();
    }

    List<Request> seen() {
        synchronized (seen) {
            return List.copyOf(seen);
        }
    }

    /** A port on the loopback address that refuses connections: bound once, then closed. */
    static int closedPort() throws IOException {
        try (ServerSocket socket = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
            return socket.getLocalPort();
        }
    }

    private void acceptLoop() {
        while (!listener.isClosed()) {
            try {
                Socket socket = listener.accept();
                connections.incrementAndGet();
                synchronized (open) {
                    open.add(socket);
                }
                threads.execute(() -> serve(socket));
            } catch (IOException e) {
                return;
            }
        }
    }

    private void serve(Socket socket) {
        try (socket) {
            InputStream in = socket.getInputStream();
            OutputStream out = socket.getOutputStream();
            while (true) {
                Request request = readRequest(in, readBody);
                if (request == null) {
                    return;
                }
                synchronized (seen) {
                    seen.add(request);
                }
                requests.incrementAndGet();
                if (!script.serve(request, out)) {
                    return;
                }
            }
        } catch (IOException e) {
            // the peer went away; nothing to report
        }
    }

    private Request readRequest(InputStream in, boolean readBody) throws IOException {
        String requestLine = readLine(in);
        if (requestLine == null || requestLine.isEmpty()) {
            return null;
        }
        Map<String, String> headers = new LinkedHashMap<>();
        String line;
        while ((line = readLine(in)) != null && !line.isEmpty()) {
            int colon = line.indexOf(':');
            headers.put(line.substring(0, colon).trim().toLowerCase(Locale.ROOT), line.substring(colon + 1).trim());
        }
        String[] parts = requestLine.split(" ");
        heads.incrementAndGet();
        int bodyLength = 0;
        if (!readBody) {
            return new Request(parts[0], parts[1], headers, 0);
        }
        if ("chunked".equalsIgnoreCase(headers.get("transfer-encoding"))) {
            while (true) {
                int size = Integer.parseInt(readLine(in).split(";")[0].trim(), 16);
                if (size == 0) {
                    while (!readLine(in).isEmpty()) {
                        // trailers
                    }
                    break;
                }
                bodyLength += in.readNBytes(size).length;
                readLine(in);
            }
        } else if (headers.containsKey("content-length")) {
            bodyLength = in.readNBytes(Integer.parseInt(headers.get("content-length"))).length;
        }
        return new Request(parts[0], parts[1], headers, bodyLength);
    }

    private static String readLine(InputStream in) throws IOException {
        ByteArrayOutputStream line = new ByteArrayOutputStream();
        int b;
        while ((b = in.read()) != -1) {
            if (b == '\n') {
                byte[] bytes = line.toByteArray();
                int length = bytes.length > 0 && bytes[bytes.length - 1] == '\r' ? bytes.length - 1 : bytes.length;
                return new String(bytes, 0, length, StandardCharsets.ISO_8859_1);
            }
            line.write(b);
        }
        return line.size() == 0 ? null : line.toString(StandardCharsets.ISO_8859_1);
    }

    @Override
    public void close() throws IOException {
        listener.close();
        synchronized (open) {
            for (Socket socket : open) {
                socket.close();
            }
        }
        threads.shutdownNow();
    }
}
