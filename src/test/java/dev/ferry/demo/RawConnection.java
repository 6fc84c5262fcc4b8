package dev.ferry.demo;

import static java.nio.charset.StandardCharsets.US_ASCII;

import java.io.ByteArrayOutputStream;
import java.io.EOFException;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.net.SocketException;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;

/** A plain socket speaking HTTP/1.1 by hand, for what {@code HttpClient} hides: framing, closes, garbage. */
final class RawConnection implements AutoCloseable {

    private final Socket socket;
    private final InputStream in;
    private final OutputStream out;

    RawConnection(InetSocketAddress address) throws IOException {
        socket = new Socket();
        socket.connect(address, 2000);
        socket.setSoTimeout(5000);
        in = socket.getInputStream();
        out = socket.getOutputStream();
    }

    /** Sends {@code GET path} with {@code Host} and the given extra header lines. */
    RawConnection get(String path, String... headerLines) throws IOException {
        StringBuilder request = new StringBuilder("GET ").append(path).append(" HTTP/1.1\r\nHost: test\r\n");
        for (String line : headerLines) {
            request.append(line).append("\r\n");
        }
        return send(request.append("\r\n").toString());
    }

    RawConnection send(String text) throws IOException {
        return send(text.getBytes(US_ASCII));
    }

    RawConnection send(byte[] bytes) throws IOException {
        out.write(bytes);
        out.flush();
        return this;
    }

    /** Reads one response framed by Content-Length, chunked coding, or (failing both) the connection's end. */
    Response read() throws IOException {
        return read(false);
    }

    Response readHead() throws IOException {
        return read(true);
    }

    private Response read(boolean headOnly) throws IOException {
        String statusLine = line();
        int status = Integer.parseInt(statusLine.split(" ")[1]);
        Map<String, List<String>> headers = new TreeMap<>(String.CASE_INSENSITIVE_ORDER);
        for (String line = line(); !line.isEmpty(); line = line()) {
            int colon = line.indexOf(':');
            headers.computeIfAbsent(line.substring(0, colon).trim(), k -> new ArrayList<>())
                    .add(line.substring(colon + 1).trim());
        }
        Response head = new Response(status, headers, new byte[0]);
        if (headOnly || status == 204 || status == 304) {
            return head;
        }
        if ("chunked".equalsIgnoreCase(head.header("Transfer-Encoding"))) {
            return new Response(status, headers, chunkedBody());
        }
        String length = head.header("Content-Length");
        return new Response(status, headers, length == null ? readToEnd() : in.readNBytes(Integer.parseInt(length)));
    }

    private byte[] chunkedBody() throws IOException {
        ByteArrayOutputStream body = new ByteArrayOutputStream();
        while (true) {
            int size = Integer.parseInt(line().split(";")[0].trim(), 16);
            if (size == 0) {
                while (!line().isEmpty()) {
                    // trailers
                }
                return body.toByteArray();
            }
            body.write(in.readNBytes(size));
            if (!line().isEmpty()) {
                throw new IOException("chunk not followed by CRLF");
            }
        }
    }

    /** Everything until the peer closes (blocks up to the 5 s socket timeout). */
    byte[] readToEnd() throws IOException {
        return in.readAllBytes();
    }

    /** True when the peer has closed: the next read sees end of stream (or a reset). */
    boolean closedByPeer() throws IOException {
        try {
            return in.read() == -1;
        } catch (SocketException reset) {
            return true;
        }
    }

    private String line() throws IOException {
        StringBuilder line = new StringBuilder();
        while (true) {
            int b = in.read();
            if (b == -1) {
                throw new EOFException("connection closed after: " + line);
            }
            if (b == '\n') {
                int end = line.length();
                return end > 0 && line.charAt(end - 1) == '\r' ? line.substring(0, end - 1) : line.toString();
            }
            line.append((char) b);
        }
    }

    @Override
    public void close() throws IOException {
        socket.close();
    }

    record Response(int status, Map<String, List<String>> headers, byte[] body) {

        String header(String name) {
            List<String> values = headers.get(name);
            return values == null ? null : values.get(0);
        }

        String text() {
            return new String(body, US_ASCII);
        }

        boolean hasHeader(String name) {
            return headers.containsKey(name);
        }
    }
}
