package dev.ferry.testing;

import java.io.BufferedInputStream;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.util.Locale;

/**
 * A keep-alive HTTP/1.1 client for sending many requests quickly (thousands per test): buffered
 * reads, and only what load tests look at is kept of each response (status, {@code X-Origin},
 * body length). For checking exact bytes on the wire use {@link RawHttp}.
 */
public final class LoadClient implements AutoCloseable {

    private final InetSocketAddress server;
    private Socket socket;
    private InputStream in;
    private OutputStream out;

    public LoadClient(int port) throws IOException {
        this.server = new InetSocketAddress(InetAddress.getLoopbackAddress(), port);
        connect();
    }

    /** What a load test looks at in a response. */
    public record Reply(int status, String origin, long bodyLength, boolean closes) {
    }

    private void connect() throws IOException {
        socket = new Socket();
        socket.setSoTimeout(10_000);
        socket.setTcpNoDelay(true);
        socket.connect(server, 5000);
        in = new BufferedInputStream(socket.getInputStream(), 16 * 1024);
        out = socket.getOutputStream();
    }

    /** Closes the connection and opens a new one, e.g. after an error response closed it. */
    public void reconnect() throws IOException {
        socket.close();
        connect();
    }

    /** {@code GET path} with {@code Host: host} and any extra header lines (each ending in CRLF). */
    public Reply get(String host, String path, String extraHeaders) throws IOException {
        return send("GET " + path + " HTTP/1.1\r\nHost: " + host + "\r\n" + extraHeaders + "\r\n");
    }

    /** Sends a request without a body and reads its response (framed by Content-Length or chunked). */
    public Reply send(String request) throws IOException {
        out.write(request.getBytes(StandardCharsets.ISO_8859_1));
        out.flush();
        String statusLine = readLine();
        if (statusLine == null) {
            throw new IOException("connection closed before a response");
        }
        int status = Integer.parseInt(statusLine.split(" ")[1]);
        String origin = null;
        long contentLength = -1;
        boolean chunked = false;
        boolean closes = false;
        String line;
        while ((line = readLine()) != null && !line.isEmpty()) {
            int colon = line.indexOf(':');
            String name = line.substring(0, colon).trim().toLowerCase(Locale.ROOT);
            String value = line.substring(colon + 1).trim();
            switch (name) {
                case "x-origin" -> origin = value;
                case "content-length" -> contentLength = Long.parseLong(value);
                case "transfer-encoding" -> chunked = value.equalsIgnoreCase("chunked");
                case "connection" -> closes = value.equalsIgnoreCase("close");
                default -> {
                }
            }
        }
        long body;
        if (status < 200 || status == 204 || status == 304) {
            body = 0;
        } else if (chunked) {
            body = skipChunked();
        } else if (contentLength >= 0) {
            body = skip(contentLength);
        } else {
            body = skip(Long.MAX_VALUE);
            closes = true;
        }
        return new Reply(status, origin, body, closes);
    }

    private long skip(long n) throws IOException {
        long done = 0;
        byte[] buffer = new byte[8192];
        while (done < n) {
            int read = in.read(buffer, 0, (int) Math.min(buffer.length, n - done));
            if (read < 0) {
                break;
            }
            done += read;
        }
        return done;
    }

    private long skipChunked() throws IOException {
        long total = 0;
        while (true) {
            int size = Integer.parseInt(readLine().split(";")[0].trim(), 16);
            if (size == 0) {
                while (!readLine().isEmpty()) {
                    // trailers
                }
                return total;
            }
            total += skip(size);
            readLine();
        }
    }

    private String readLine() throws IOException {
        ByteArrayOutputStream line = new ByteArrayOutputStream(64);
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
        socket.close();
    }
}
