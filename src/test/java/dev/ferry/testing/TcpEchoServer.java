package dev.ferry.testing;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.io.UncheckedIOException;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.util.List;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;

/**
 * A plain TCP server on 127.0.0.1 that echoes every byte back, one thread per connection. Each
 * accepted connection is handed to the test ({@link #nextConnection()}), which can see what the
 * server received, learn when the peer closed, or close the server side itself.
 */
public final class TcpEchoServer implements AutoCloseable {

    private final ServerSocket listener;
    private final BlockingQueue<Connection> accepted = new LinkedBlockingQueue<>();
    private final List<Connection> all = new CopyOnWriteArrayList<>();

    private TcpEchoServer(ServerSocket listener) {
        this.listener = listener;
    }

    public static TcpEchoServer start() {
        try {
            TcpEchoServer server = new TcpEchoServer(new ServerSocket(0, 50, InetAddress.getLoopbackAddress()));
            Thread acceptor = new Thread(server::acceptLoop, "tcp-echo-accept");
            acceptor.setDaemon(true);
            acceptor.start();
            return server;
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    public int port() {
        return listener.getLocalPort();
    }

    /** Connections accepted so far. */
    public int connectionsAccepted() {
        return all.size();
    }

    /** The next connection accepted (waiting up to 5 s for it). */
    public Connection nextConnection() throws InterruptedException {
        Connection next = accepted.poll(5, TimeUnit.SECONDS);
        if (next == null) {
            throw new AssertionError("the echo server accepted no connection within 5 s");
        }
        return next;
    }

    /** Forgets connections accepted so far, so {@link #nextConnection()} waits for a new one. */
    public void reset() {
        accepted.clear();
    }

    private void acceptLoop() {
        while (!listener.isClosed()) {
            try {
                Connection connection = new Connection(listener.accept());
                all.add(connection);
                accepted.add(connection);
                Thread echo = new Thread(connection::echo, "tcp-echo-" + all.size());
                echo.setDaemon(true);
                echo.start();
            } catch (IOException e) {
                return;
            }
        }
    }

    @Override
    public void close() throws IOException {
        listener.close();
        for (Connection connection : all) {
            connection.close();
        }
    }

    /** One accepted connection. */
    public static final class Connection {
        private final Socket socket;
        private final AtomicLong received = new AtomicLong();
        private final CompletableFuture<Void> eof = new CompletableFuture<>();

        Connection(Socket socket) {
            this.socket = socket;
        }

        private void echo() {
            byte[] buffer = new byte[16 * 1024];
            try (InputStream in = socket.getInputStream(); OutputStream out = socket.getOutputStream()) {
                int n;
                while ((n = in.read(buffer)) >= 0) {
                    received.addAndGet(n);
                    synchronized (this) {
                        out.write(buffer, 0, n);
                        out.flush();
                    }
                }
                eof.complete(null);
            } catch (IOException e) {
                // a reset, or the test closed this side: not an orderly close by the peer
                eof.completeExceptionally(e);
            }
        }

        /** Bytes received (and echoed) so far. */
        public long bytesReceived() {
            return received.get();
        }

        /** Completes when the peer closed its side in order (EOF); fails on a reset or a close from here. */
        public CompletableFuture<Void> closedByPeer() {
            return eof;
        }

        /** Sends {@code bytes} from the server side, in addition to the echo. */
        public void send(byte[] bytes) throws IOException {
            OutputStream out = socket.getOutputStream();
            synchronized (this) {
                out.write(bytes);
                out.flush();
            }
        }

        /** Closes the server side of the connection. */
        public void close() throws IOException {
            socket.close();
        }
    }
}
