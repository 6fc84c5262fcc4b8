package dev.ferry.tcp;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;

/**
 * A server whose side of each connection the test plays itself: it accepts, and hands each
 * accepted socket to the test, which reads exactly the bytes Ferry sent (a PROXY header, say) and
 * answers as it likes.
 */
final class CaptureServer implements AutoCloseable {

    private final ServerSocket listener;
    private final BlockingQueue<Socket> accepted = new LinkedBlockingQueue<>();
    private final List<Socket> all = new CopyOnWriteArrayList<>();

    private CaptureServer(ServerSocket listener) {
        this.listener = listener;
    }

    static CaptureServer start() {
        try {
            CaptureServer server = new CaptureServer(new ServerSocket(0, 50, InetAddress.getLoopbackAddress()));
            Thread acceptor = new Thread(server::acceptLoop, "capture-accept");
            acceptor.setDaemon(true);
            acceptor.start();
            return server;
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    private void acceptLoop() {
        while (!listener.isClosed()) {
            try {
                Socket socket = listener.accept();
                socket.setSoTimeout(5000);
                all.add(socket);
                accepted.add(socket);
            } catch (IOException e) {
                return;
            }
        }
    }

    int port() {
        return listener.getLocalPort();
    }

    /** Connections accepted so far. */
    int connectionsAccepted() {
        return all.size();
    }

    /** The next connection accepted, waiting up to 5 s. */
    Socket next() throws InterruptedException {
        Socket socket = accepted.poll(5, TimeUnit.SECONDS);
        if (socket == null) {
            throw new AssertionError("no connection reached the server within 5 s");
        }
        return socket;
    }

    /** Closes and forgets every connection accepted so far. */
    void reset() throws IOException {
        accepted.clear();
        for (Socket socket : all) {
            socket.close();
        }
        all.clear();
    }

    /** One CRLF-terminated line, read byte by byte so nothing after it is consumed; without the CRLF. */
    static String readLine(InputStream in) throws IOException {
        ByteArrayOutputStream line = new ByteArrayOutputStream();
        int b;
        while ((b = in.read()) != '\n') {
            if (b == -1) {
                throw new IOException("connection closed mid-line: " + line.toString(StandardCharsets.ISO_8859_1));
            }
            line.write(b);
        }
        byte[] bytes = line.toByteArray();
        int length = bytes.length > 0 && bytes[bytes.length - 1] == '\r' ? bytes.length - 1 : bytes.length;
        return new String(bytes, 0, length, StandardCharsets.ISO_8859_1);
    }

    @Override
    public void close() throws IOException {
        listener.close();
        reset();
    }
}
