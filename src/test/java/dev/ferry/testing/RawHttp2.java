package dev.ferry.testing;

import io.netty.buffer.ByteBuf;
import io.netty.buffer.Unpooled;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelInboundHandlerAdapter;
import io.netty.channel.embedded.EmbeddedChannel;
import io.netty.handler.codec.http2.DefaultHttp2FrameReader;
import io.netty.handler.codec.http2.DefaultHttp2FrameWriter;
import io.netty.handler.codec.http2.DefaultHttp2Headers;
import io.netty.handler.codec.http2.DefaultHttp2HeadersEncoder;
import io.netty.handler.codec.http2.Http2CodecUtil;
import io.netty.handler.codec.http2.Http2Exception;
import io.netty.handler.codec.http2.Http2Flags;
import io.netty.handler.codec.http2.Http2FrameAdapter;
import io.netty.handler.codec.http2.Http2FrameTypes;
import io.netty.handler.codec.http2.Http2Headers;
import io.netty.handler.codec.http2.Http2Settings;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.Socket;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;

/**
 * An HTTP/2 client over a plain socket that writes whatever frames a test asks for, with Netty's
 * {@link DefaultHttp2FrameWriter} (HPACK included) and no state machine of its own: floods and
 * malformed sequences a real client would never send. A reader thread decodes what the server
 * sends with {@link DefaultHttp2FrameReader}, acknowledges SETTINGS, returns flow-control credit,
 * and collects each stream's response.
 */
public final class RawHttp2 implements AutoCloseable {

    /** What the server answered on a stream. */
    public record Response(int streamId, Http2Headers headers, byte[] body, Long resetCode) {

        public int status() {
            return headers == null ? 0 : Integer.parseInt(headers.status().toString());
        }
    }

    /** A GOAWAY the server sent. */
    public record GoAway(int lastStreamId, long errorCode, String debug) {
    }

    private final Socket socket;
    private final OutputStream out;
    private final EmbeddedChannel scratch = new EmbeddedChannel(new ChannelInboundHandlerAdapter());
    private final DefaultHttp2FrameWriter writer = new DefaultHttp2FrameWriter();
    private final DefaultHttp2HeadersEncoder rawEncoder = new DefaultHttp2HeadersEncoder();
    private final Map<Integer, Partial> streams = new ConcurrentHashMap<>();
    private final Map<Integer, List<Integer>> interim = new ConcurrentHashMap<>();
    private final BlockingQueue<Response> responses = new LinkedBlockingQueue<>();
    private final CountDownLatch goAwayLatch = new CountDownLatch(1);
    private final CountDownLatch closedLatch = new CountDownLatch(1);
    private final Thread reader;
    private volatile GoAway goAway;
    private volatile boolean settingsReceived;
    private final CountDownLatch settingsAcked = new CountDownLatch(1);
    private final CountDownLatch paused = new CountDownLatch(1);
    private volatile boolean pausing;

    private static final class Partial {
        Http2Headers headers;
        final ByteArrayOutputStream body = new ByteArrayOutputStream();
    }

    public RawHttp2(int port) throws IOException {
        socket = new Socket("127.0.0.1", port);
        socket.setTcpNoDelay(true);
        out = socket.getOutputStream();
        InputStream in = socket.getInputStream();
        reader = new Thread(() -> readLoop(in), "raw-h2-reader");
        reader.setDaemon(true);
        reader.start();
        ByteBuf preface = Http2CodecUtil.connectionPrefaceBuf();
        byte[] bytes = new byte[preface.readableBytes()];
        preface.readBytes(bytes);
        synchronized (this) {
            out.write(bytes);
        }
        send(ctx -> writer.writeSettings(ctx, new Http2Settings(), ctx.newPromise()));
    }

    /** A request's header fields, unvalidated: tests add fields no real client would send. */
    public static Http2Headers request(String method, String path, int port) {
        return new DefaultHttp2Headers(false, false, 16).method(method).path(path).scheme("http")
                .authority("127.0.0.1:" + port);
    }

    public RawHttp2 headers(int streamId, Http2Headers headers, boolean endStream) throws IOException {
        return send(ctx -> writer.writeHeaders(ctx, streamId, headers, 0, endStream, ctx.newPromise()));
    }

    public RawHttp2 data(int streamId, byte[] bytes, boolean endStream) throws IOException {
        return send(ctx -> writer.writeData(ctx, streamId, Unpooled.wrappedBuffer(bytes), 0, endStream,
                ctx.newPromise()));
    }

    public RawHttp2 reset(int streamId, long errorCode) throws IOException {
        return send(ctx -> writer.writeRstStream(ctx, streamId, errorCode, ctx.newPromise()));
    }

    public RawHttp2 ping(long data) throws IOException {
        return send(ctx -> writer.writePing(ctx, false, data, ctx.newPromise()));
    }

    /**
     * Waits until the server's SETTINGS came and this client's ACK of it is written: frames sent
     * after this reach the server after the ACK, so its settings (say, max concurrent streams)
     * apply to them.
     */
    public void awaitSettingsAcknowledged() throws IOException {
        try {
            if (!settingsAcked.await(5, TimeUnit.SECONDS)) {
                throw new IOException("no SETTINGS from the server within 5 s");
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IOException(e);
        }
    }

    /**
     * HEADERS without END_HEADERS: the header block goes on in CONTINUATION frames. Waits first
     * until the server's SETTINGS is acknowledged, so the reader's ACK cannot land inside the block
     * (which would be a PROTOCOL_ERROR of the test's making).
     */
    public RawHttp2 headersBegin(int streamId, Http2Headers headers) throws IOException {
        awaitSettingsAcknowledged();
        ByteBuf block = Unpooled.buffer();
        try {
            rawEncoder.encodeHeaders(streamId, headers, block);
        } catch (Http2Exception e) {
            throw new IOException(e);
        }
        return send(ctx -> writer.writeFrame(ctx, Http2FrameTypes.HEADERS, streamId,
                new Http2Flags().endOfStream(true), block, ctx.newPromise()));
    }

    /** A CONTINUATION frame with {@code payload} (raw header block bytes), END_HEADERS unset. */
    public RawHttp2 continuation(int streamId, byte[] payload) throws IOException {
        return send(ctx -> writer.writeFrame(ctx, Http2FrameTypes.CONTINUATION, streamId, new Http2Flags(),
                Unpooled.wrappedBuffer(payload), ctx.newPromise()));
    }

    private interface Write {
        void to(ChannelHandlerContext ctx);
    }

    private synchronized RawHttp2 send(Write write) throws IOException {
        write.to(scratch.pipeline().firstContext());
        scratch.flushOutbound();
        ByteBuf bytes;
        while ((bytes = scratch.readOutbound()) != null) {
            try {
                bytes.readBytes(out, bytes.readableBytes());
            } finally {
                bytes.release();
            }
        }
        out.flush();
        return this;
    }

    /** The next complete response (END_STREAM or RST_STREAM), or null after {@code timeout}. */
    public Response next(Duration timeout) throws InterruptedException {
        return responses.poll(timeout.toMillis(), TimeUnit.MILLISECONDS);
    }

    /** The GOAWAY the server sent, waiting up to {@code timeout}; null if none came. */
    public GoAway awaitGoAway(Duration timeout) throws InterruptedException {
        goAwayLatch.await(timeout.toMillis(), TimeUnit.MILLISECONDS);
        return goAway;
    }

    public GoAway goAway() {
        return goAway;
    }

    /** Whether the server closed the connection within {@code timeout}. */
    public boolean awaitClosed(Duration timeout) throws InterruptedException {
        return closedLatch.await(timeout.toMillis(), TimeUnit.MILLISECONDS);
    }

    public boolean closed() {
        return closedLatch.getCount() == 0;
    }

    /** The 1xx statuses received on {@code streamId} so far. */
    public List<Integer> interimStatuses(int streamId) {
        return interim.getOrDefault(streamId, List.of());
    }

    public boolean settingsReceived() {
        return settingsReceived;
    }

    private void readLoop(InputStream in) {
        EmbeddedChannel readerChannel = new EmbeddedChannel(new ChannelInboundHandlerAdapter());
        ChannelHandlerContext ctx = readerChannel.pipeline().firstContext();
        DefaultHttp2FrameReader frames = new DefaultHttp2FrameReader(false);
        ByteBuf buffer = Unpooled.buffer();
        byte[] chunk = new byte[16384];
        Listener listener = new Listener();
        try {
            int n;
            while ((n = read(in, chunk)) >= 0) {
                buffer.writeBytes(chunk, 0, n);
                frames.readFrame(ctx, buffer, listener);
                buffer.discardReadBytes();
            }
        } catch (IOException | Http2Exception | RuntimeException e) {
            // the server closed or reset the connection
        } finally {
            buffer.release();
            goAwayLatch.countDown();
            closedLatch.countDown();
        }
    }

    private int read(InputStream in, byte[] chunk) throws IOException {
        while (pausing) {
            try {
                paused.await();
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                return -1;
            }
        }
        return in.read(chunk);
    }

    /** Stops reading what the server sends (until close), so its writes back up. */
    public void pauseReading() {
        pausing = true;
    }

    private final class Listener extends Http2FrameAdapter {
        @Override
        public int onDataRead(ChannelHandlerContext ctx, int streamId, ByteBuf data, int padding, boolean endOfStream) {
            int processed = data.readableBytes() + padding;
            Partial partial = streams.computeIfAbsent(streamId, id -> new Partial());
            byte[] bytes = new byte[data.readableBytes()];
            data.readBytes(bytes);
            partial.body.writeBytes(bytes);
            if (processed > 0) {
                try {
                    send(c -> writer.writeWindowUpdate(c, 0, processed, c.newPromise()));
                    if (!endOfStream) {
                        send(c -> writer.writeWindowUpdate(c, streamId, processed, c.newPromise()));
                    }
                } catch (IOException e) {
                    // closing
                }
            }
            if (endOfStream) {
                complete(streamId, null);
            }
            return processed;
        }

        @Override
        public void onHeadersRead(ChannelHandlerContext ctx, int streamId, Http2Headers headers, int padding,
                                  boolean endStream) {
            onHeadersRead(ctx, streamId, headers, 0, (short) 16, false, padding, endStream);
        }

        @Override
        public void onHeadersRead(ChannelHandlerContext ctx, int streamId, Http2Headers headers, int streamDependency,
                                  short weight, boolean exclusive, int padding, boolean endStream) {
            Partial partial = streams.computeIfAbsent(streamId, id -> new Partial());
            CharSequence status = headers.status();
            boolean informational = status != null && status.length() == 3 && status.charAt(0) == '1';
            if (informational) {
                interim.computeIfAbsent(streamId, id -> new CopyOnWriteArrayList<>())
                        .add(Integer.parseInt(status.toString()));
            } else if (partial.headers == null) {
                partial.headers = headers;
            }
            if (endStream) {
                complete(streamId, null);
            }
        }

        @Override
        public void onRstStreamRead(ChannelHandlerContext ctx, int streamId, long errorCode) {
            complete(streamId, errorCode);
        }

        @Override
        public void onSettingsRead(ChannelHandlerContext ctx, Http2Settings settings) {
            settingsReceived = true;
            try {
                send(c -> writer.writeSettingsAck(c, c.newPromise()));
            } catch (IOException e) {
                // closing
            } finally {
                settingsAcked.countDown();
            }
        }

        @Override
        public void onGoAwayRead(ChannelHandlerContext ctx, int lastStreamId, long errorCode, ByteBuf debugData) {
            goAway = new GoAway(lastStreamId, errorCode, debugData.toString(java.nio.charset.StandardCharsets.UTF_8));
            goAwayLatch.countDown();
        }

        private void complete(int streamId, Long resetCode) {
            Partial partial = streams.remove(streamId);
            if (partial == null) {
                partial = new Partial();
            }
            responses.add(new Response(streamId, partial.headers, partial.body.toByteArray(), resetCode));
        }
    }

    @Override
    public void close() throws IOException {
        pausing = false;
        paused.countDown();
        socket.close();
        scratch.finishAndReleaseAll();
    }
}
