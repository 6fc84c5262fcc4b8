package dev.ferry.health;

import java.io.BufferedInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.io.UncheckedIOException;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;

/**
 * A server that is up but failing: it answers every request (bodiless, keep-alive) with {@code 503}
 * and notes when each arrived, so a test can see when Ferry stopped sending it requests and when
 * it started again. One daemon thread per connection.
 */
final class FailingOrigin implements AutoCloseable {

    private static final byte[] RESPONSE = ("HTTP/1.1 503 Service Unavailable\r\nContent-Type: text/plain\r\n"
            + "Content-Length: 8\r\nX-Origin: failing\r\n\r\nfailing\n").getBytes(StandardCharsets.US_ASCII);

    private final ServerSocket listener;
    private final List<Long> arrivals = new CopyOnWriteArrayList<>();
    private final List<Socket> sockets = new CopyOnWriteArrayList<>();

    private FailingOrigin(ServerSocket listener) {
        this.listener = listener;
    }

    static FailingOrigin start() {
        try {
            FailingOrigin origin = new FailingOrigin(new ServerSocket(0, 50, InetAddress.getLoopbackAddress()));
            daemon(origin::acceptLoop, "failing-origin-accept").start();
            return origin;
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    private static Thread daemon(Runnable r, String name) {
        Thread thread = new Thread(r, name);
        thread.setDaemon(true);
        return thread;
    }

    int port() {
        return listener.getLocalPort();
    }

    /** {@link System#nanoTime()} of each request's arrival (its head read), in order. */
    List<Long> arrivals() {
        return new ArrayList<>(arrivals);
    }

    private void acceptLoop() {
        while (!listener.isClosed()) {
            try {
                Socket socket = listener.accept();
                sockets.add(socket);
                daemon(() -> serve(socket), "failing-origin").start();
            } catch (IOException e) {
                return;
            }
        }
    }

    private void serve(Socket socket) {
        try (socket) {
            InputStream in = new BufferedInputStream(socket.getInputStream());
            OutputStream out = socket.getOutputStream();
            while (readHead(in)) {
                arrivals.add(System.nanoTime());
                out.write(RESPONSE);
                out.flush();
            }
        } catch (IOException e) {
            // the peer went away
        }
    }

    /** Reads up to the blank line ending a request head; false at end of stream. */
    private static boolean readHead(InputStream in) throws IOException {
        int lineLength = 0;
        int b;
        while ((b = in.read()) != -1) {
            if (b == '\n') {
                if (lineLength == 0) {
                    return true;
                }
                lineLength = 0;
            } else if (b != '\r') {
                lineLength++;
            }
        }
        return false;
    }

    @Override
    public void close() throws IOException {
        listener.close();
        for (Socket socket : sockets) {
            socket.close();
        }
    }
}
