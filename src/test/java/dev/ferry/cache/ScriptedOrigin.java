package dev.ferry.cache;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.time.Clock;
import java.time.Instant;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;

/**
 * An HTTP/1.1 origin for cache conformance cases, on a plain {@link ServerSocket} with a thread per
 * connection (keep-alive supported). Every case registers a script under its own id, the second
 * path segment of its URLs ({@code /t/<id>/...}); the {@code Req-Num} request header picks which
 * {@link Reply} of the script answers, so a request the cache sends late (a background
 * revalidation) is still answered by the reply of the client request that caused it.
 *
 * <p>Each answer carries {@code Server-Request-Count} (how many requests of the case the origin
 * has seen, this one included), {@code Client-Request-Count} (the Req-Num it got),
 * {@code Server-Now} (its clock, epoch ms), {@code Request-Numbers} and {@code Server-Base-Url};
 * then the reply's fields in order (a repeated name makes several field lines), a {@code Date}
 * unless the reply has one (or must have none), {@code Content-Type: text/plain} unless the reply has one, and
 * {@code Content-Length} unless the reply sets it or {@code Transfer-Encoding} (then the body ends
 * when the connection closes). Integer field values are HTTP-dates that many seconds from the
 * clock's now: the same clock the cache under test reads, so a pause is a clock move.
 *
 * <p>A reply that expects validation answers {@code 304} only when {@code If-None-Match} or
 * {@code If-Modified-Since} is byte-identical to the {@code ETag} or {@code Last-Modified} the
 * origin last sent for the case, and {@code 999 304 Not Generated} otherwise.
 *
 * <p>Like Node's server (the suite's origin), it keeps a connection open after a response whose
 * {@code Content-Length} understates its body, stray bytes and all, unless the reply says to close.
 */
final class ScriptedOrigin implements AutoCloseable {

    static final DateTimeFormatter IMF_FIXDATE =
            DateTimeFormatter.ofPattern("EEE, dd MMM yyyy HH:mm:ss 'GMT'", Locale.US).withZone(ZoneOffset.UTC);
    static final DateTimeFormatter RFC_850 =
            DateTimeFormatter.ofPattern("EEEE, dd-MMM-yy HH:mm:ss 'GMT'", Locale.US).withZone(ZoneOffset.UTC);

    /** In a reply field's value, stands for the case's base path {@code /t/<id>} (for Location and the like). */
    static final String BASE = "{base}";

    /** A field of a reply: a literal value, or (an {@link Integer}) seconds from now as an HTTP-date. */
    record Field(String name, Object value) {
    }

    /** A 1xx the origin sends before its final answer. */
    record Interim(int status, List<Field> fields) {
    }

    /** What the origin answers one request of a case. */
    record Reply(int status, String reason, List<Field> fields, String body, boolean disconnect, boolean close,
                 boolean omitDate, List<Interim> interim, boolean expectsValidation) {
    }

    /** A request as the origin received it, with what it answered. */
    record Seen(int reqNum, String method, String target, List<Map.Entry<String, String>> headers, String body,
                int answered, List<Map.Entry<String, String>> sentFields) {

        /** The request's field lines of {@code name} joined with ", ", or null. */
        String header(String name) {
            return joined(headers, name);
        }

        /** What the origin sent as {@code name}, lines joined with ", ", or null. */
        String sent(String name) {
            return joined(sentFields, name);
        }

        private static String joined(List<Map.Entry<String, String>> fields, String name) {
            List<String> values = new ArrayList<>();
            for (Map.Entry<String, String> field : fields) {
                if (field.getKey().equalsIgnoreCase(name)) {
                    values.add(field.getValue());
                }
            }
            return values.isEmpty() ? null : String.join(", ", values);
        }
    }

    /** One case's script and what happened to it so far. */
    private static final class Script {
        final List<Reply> replies;
        final List<Seen> seen = new ArrayList<>();
        String lastEtag;
        String lastModified;

        Script(List<Reply> replies) {
            this.replies = replies;
        }
    }

    private final Clock clock;
    private final ServerSocket listener;
    private final Map<String, Script> scripts = new ConcurrentHashMap<>();
    private final Set<Socket> open = ConcurrentHashMap.newKeySet();
    private final ExecutorService threads = Executors.newCachedThreadPool(r -> {
        Thread thread = new Thread(r, "scripted-origin");
        thread.setDaemon(true);
        return thread;
    });

    private ScriptedOrigin(Clock clock) throws IOException {
        this.clock = clock;
        this.listener = new ServerSocket(0, 100, InetAddress.getLoopbackAddress());
        threads.execute(this::acceptLoop);
    }

    static ScriptedOrigin start(Clock clock) throws IOException {
        return new ScriptedOrigin(clock);
    }

    int port() {
        return listener.getLocalPort();
    }

    /** Registers the replies for the case whose URLs have {@code id} as second path segment. */
    void script(String id, List<Reply> replies) {
        scripts.put(id, new Script(List.copyOf(replies)));
    }

    /** The requests of a case the origin has read so far, in order. */
    List<Seen> seen(String id) {
        Script script = scripts.get(id);
        synchronized (script) {
            return List.copyOf(script.seen);
        }
    }

    /** An HTTP-date {@code offsetSeconds} from now, in whole seconds like any origin's Date. */
    String date(long offsetSeconds) {
        return IMF_FIXDATE.format(Instant.ofEpochSecond(Math.floorDiv(clock.millis(), 1000) + offsetSeconds));
    }

    private void acceptLoop() {
        while (!listener.isClosed()) {
            try {
                Socket socket = listener.accept();
                socket.setTcpNoDelay(true);
                open.add(socket);
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
            boolean keepOpen = true;
            while (keepOpen) {
                Request request = Request.read(in);
                if (request == null) {
                    return;
                }
                keepOpen = answer(request, out);
            }
        } catch (IOException e) {
            // the cache went away; nothing to report
        } finally {
            open.remove(socket);
        }
    }

    /** Answers one request; false when the connection must close afterwards. */
    private boolean answer(Request request, OutputStream out) throws IOException {
        String path = request.target.split("\\?", 2)[0];
        String[] segments = path.split("/");
        Script script = segments.length > 2 ? scripts.get(segments[2]) : null;
        if (script == null) {
            out.write("HTTP/1.1 404 Not Found\r\nContent-Length: 0\r\n\r\n".getBytes(StandardCharsets.US_ASCII));
            out.flush();
            return true;
        }
        String id = segments[2];
        String reqNumText = request.header("req-num");
        Head head;
        Reply reply;
        int reqNum;
        synchronized (script) {
            reqNum = reqNumText == null ? script.seen.size() + 1 : Integer.parseInt(reqNumText.trim());
            reply = reqNum >= 1 && reqNum <= script.replies.size() ? script.replies.get(reqNum - 1) : null;
            if (reply == null) {
                reply = new Reply(200, null, List.of(), null, false, false, false, List.of(), false);
            }
            if (reply.disconnect) {
                script.seen.add(new Seen(reqNum, request.method, request.target, request.headers, request.body,
                        0, List.of()));
                return false;
            }
            head = head(script, request, reqNum, reply, "/" + segments[1] + "/" + id);
            script.seen.add(new Seen(reqNum, request.method, request.target, request.headers, request.body,
                    head.status, head.fields));
            for (Map.Entry<String, String> field : head.fields) {
                if (field.getKey().equalsIgnoreCase("etag")) {
                    script.lastEtag = field.getValue();
                } else if (field.getKey().equalsIgnoreCase("last-modified")) {
                    script.lastModified = field.getValue();
                }
            }
        }
        for (Interim interim : reply.interim) {
            StringBuilder text = new StringBuilder("HTTP/1.1 ").append(interim.status).append(' ')
                    .append(interim.status == 102 ? "Processing" : "Early Hints").append("\r\n");
            for (Field field : interim.fields) {
                text.append(field.name).append(": ").append(render(field.value)).append("\r\n");
            }
            out.write(text.append("\r\n").toString().getBytes(StandardCharsets.ISO_8859_1));
            out.flush();
        }
        String body = reply.body == null ? id : reply.body;
        boolean bodiless = head.status == 204 || head.status == 304 || request.method.equals("HEAD");
        boolean hasLength = has(head.fields, "content-length");
        boolean delimitedByClose = !hasLength && has(head.fields, "transfer-encoding");
        StringBuilder text = new StringBuilder("HTTP/1.1 ").append(head.status).append(' ').append(head.reason)
                .append("\r\n");
        for (Map.Entry<String, String> field : head.fields) {
            text.append(field.getKey()).append(": ").append(field.getValue()).append("\r\n");
        }
        byte[] bodyBytes = body.getBytes(StandardCharsets.UTF_8);
        if (!hasLength && !delimitedByClose && head.status != 204 && head.status != 304) {
            text.append("Content-Length: ").append(bodyBytes.length).append("\r\n");
        }
        if (delimitedByClose) {
            text.append("Connection: close\r\n");
        }
        ByteArrayOutputStream whole = new ByteArrayOutputStream();
        whole.write(text.append("\r\n").toString().getBytes(StandardCharsets.ISO_8859_1));
        if (!bodiless) {
            // A wrong Content-Length is the reply's own business: the body goes out whole, as Node sends it.
            whole.write(bodyBytes);
        }
        out.write(whole.toByteArray());
        out.flush();
        boolean clientCloses = "close".equalsIgnoreCase(String.valueOf(request.header("connection")).trim());
        return !delimitedByClose && !clientCloses && !reply.close;
    }

    private record Head(int status, String reason, List<Map.Entry<String, String>> fields) {
    }

    private Head head(Script script, Request request, int reqNum, Reply reply, String base) {
        List<Map.Entry<String, String>> fields = new ArrayList<>();
        int count = script.seen.size() + 1;
        StringBuilder numbers = new StringBuilder();
        for (Seen seen : script.seen) {
            numbers.append(seen.reqNum).append(' ');
        }
        numbers.append(reqNum);
        fields.add(Map.entry("Server-Base-Url", request.target));
        fields.add(Map.entry("Server-Request-Count", String.valueOf(count)));
        fields.add(Map.entry("Client-Request-Count", String.valueOf(reqNum)));
        fields.add(Map.entry("Server-Now", String.valueOf(clock.millis())));
        fields.add(Map.entry("Request-Numbers", numbers.toString()));
        boolean hasDate = false;
        boolean hasType = false;
        for (Field field : reply.fields) {
            fields.add(Map.entry(field.name, render(field.value).replace(BASE, base)));
            hasDate |= field.name.equalsIgnoreCase("date");
            hasType |= field.name.equalsIgnoreCase("content-type");
        }
        if (!hasDate && !reply.omitDate) {
            fields.add(Map.entry("Date", date(0)));
        }
        if (!hasType) {
            fields.add(Map.entry("Content-Type", "text/plain"));
        }
        int status = reply.status;
        String reason = reply.reason != null ? reply.reason : reason(status);
        if (reply.expectsValidation) {
            String inm = request.header("if-none-match");
            String ims = request.header("if-modified-since");
            boolean matches = inm != null && inm.equals(script.lastEtag)
                    || ims != null && ims.equals(script.lastModified);
            status = matches ? 304 : 999;
            reason = matches ? "Not Modified" : "304 Not Generated";
        }
        return new Head(status, reason, fields);
    }

    private String render(Object value) {
        return value instanceof Integer offset ? date(offset) : String.valueOf(value);
    }

    private static boolean has(List<Map.Entry<String, String>> fields, String name) {
        return fields.stream().anyMatch(field -> field.getKey().equalsIgnoreCase(name));
    }

    private static String reason(int status) {
        return switch (status) {
            case 200 -> "OK";
            case 201 -> "Created";
            case 202 -> "Accepted";
            case 203 -> "Non-Authoritative Information";
            case 204 -> "No Content";
            case 206 -> "Partial Content";
            case 301 -> "Moved Permanently";
            case 302 -> "Found";
            case 303 -> "See Other";
            case 307 -> "Temporary Redirect";
            case 308 -> "Permanent Redirect";
            case 400 -> "Bad Request";
            case 403 -> "Forbidden";
            case 404 -> "Not Found";
            case 405 -> "Method Not Allowed";
            case 410 -> "Gone";
            case 414 -> "URI Too Long";
            case 500 -> "Internal Server Error";
            case 501 -> "Not Implemented";
            case 502 -> "Bad Gateway";
            case 503 -> "Service Unavailable";
            case 504 -> "Gateway Timeout";
            default -> "Whatever";
        };
    }

    @Override
    public void close() throws IOException {
        listener.close();
        for (Socket socket : open) {
            socket.close();
        }
        threads.shutdownNow();
    }

    /** A request read off the wire: field lines in order, body by Content-Length or chunked. */
    private record Request(String method, String target, List<Map.Entry<String, String>> headers, String body) {

        String header(String name) {
            return Seen.joined(headers, name);
        }

        static Request read(InputStream in) throws IOException {
            String requestLine = readLine(in);
            while (requestLine != null && requestLine.isEmpty()) {
                requestLine = readLine(in);
            }
            if (requestLine == null) {
                return null;
            }
            List<Map.Entry<String, String>> headers = new ArrayList<>();
            String line;
            while ((line = readLine(in)) != null && !line.isEmpty()) {
                int colon = line.indexOf(':');
                headers.add(Map.entry(line.substring(0, colon).trim(), line.substring(colon + 1).trim()));
            }
            String[] parts = requestLine.split(" ");
            ByteArrayOutputStream body = new ByteArrayOutputStream();
            String transferEncoding = Seen.joined(headers, "transfer-encoding");
            String contentLength = Seen.joined(headers, "content-length");
            if (transferEncoding != null && transferEncoding.toLowerCase(Locale.ROOT).contains("chunked")) {
                while (true) {
                    int size = Integer.parseInt(readLine(in).split(";")[0].trim(), 16);
                    if (size == 0) {
                        while (!readLine(in).isEmpty()) {
                            // trailers
                        }
                        break;
                    }
                    body.write(in.readNBytes(size));
                    readLine(in);
                }
            } else if (contentLength != null) {
                body.write(in.readNBytes(Integer.parseInt(contentLength.trim())));
            }
            return new Request(parts[0], parts[1], List.copyOf(headers), body.toString(StandardCharsets.UTF_8));
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
    }
}
