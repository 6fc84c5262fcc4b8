package dev.ferry.http2;

import static java.util.Objects.requireNonNull;

import dev.ferry.config.Http2Config;
import dev.ferry.http.FrontendContext;
import dev.ferry.http.HttpFrontend;
import dev.ferry.http.StreamFrontend;
import io.netty.channel.ChannelInitializer;
import io.netty.channel.ChannelPipeline;
import io.netty.handler.codec.http2.Http2CodecUtil;
import io.netty.handler.codec.http2.Http2FrameCodec;
import io.netty.handler.codec.http2.Http2FrameCodecBuilder;
import io.netty.handler.codec.http2.Http2MultiplexHandler;
import io.netty.handler.codec.http2.Http2Settings;
import io.netty.handler.codec.http2.Http2StreamChannel;
import java.time.Duration;

/**
 * HTTP/2 towards clients (RFC 9113): one connection's frame codec and stream multiplexer, each
 * stream served by a {@link StreamFrontend} on its own child channel, and a
 * {@link ConnectionGuard} for the connection's lifetime.
 *
 * <p>Protections, all Netty's and all ending the connection with GOAWAY where the RFC allows:
 * <ul>
 *   <li>SETTINGS_MAX_CONCURRENT_STREAMS: streams beyond it are refused (REFUSED_STREAM);
 *   <li>SETTINGS_MAX_HEADER_LIST_SIZE: a larger header section is answered 431, one a quarter
 *       larger ends the connection (COMPRESSION or ENHANCE_YOUR_CALM), so a header block never
 *       grows without bound however it is split;
 *   <li>CONTINUATION flood (CVE-2024-27316): besides the size bound, more than
 *       {@value #MAX_SMALL_CONTINUATIONS} small CONTINUATION frames in a row → GOAWAY
 *       ENHANCE_YOUR_CALM;
 *   <li>rapid reset (CVE-2023-44487): more than {@code max_resets} RST_STREAM frames from the
 *       client per {@code reset_window} → GOAWAY ENHANCE_YOUR_CALM; the same bound on resets Ferry
 *       is made to send (MadeYouReset, CVE-2025-8671);
 *   <li>SETTINGS and PING floods: at most {@value #MAX_QUEUED_CONTROL_FRAMES} answers (ACKs)
 *       queued unread before the connection is closed; empty DATA frame floods.
 * </ul>
 */
public final class Http2Frontend {

    public static final String CODEC = "http2-codec";
    public static final String MULTIPLEX = "http2-multiplex";
    public static final String GUARD = "http2-guard";
    public static final String PRIOR_KNOWLEDGE = "h2c-prior-knowledge";

    static final int MAX_SMALL_CONTINUATIONS = 16;
    static final int MAX_QUEUED_CONTROL_FRAMES = 10_000;
    static final int MAX_CONSECUTIVE_EMPTY_DATA = 2;

    private Http2Frontend() {
    }

    /**
     * Adds HTTP/2 to a connection whose next bytes are the client's connection preface (after an
     * ALPN {@code h2} handshake, or once {@link #installCleartext} saw the preface).
     *
     * @param drainTimeout how long a graceful shutdown lets open streams finish after its GOAWAY
     */
    public static void install(ChannelPipeline pipeline, FrontendContext context, Http2Config config,
                               Duration drainTimeout) {
        requireNonNull(context, "context");
        requireNonNull(config, "config");
        int resetWindowSeconds = (int) config.resetWindow().toSeconds();
        Http2FrameCodec codec = Http2FrameCodecBuilder.forServer()
                .initialSettings(Http2Settings.defaultSettings()
                        .maxConcurrentStreams(config.maxConcurrentStreams())
                        .maxHeaderListSize(config.maxHeaderListSize()))
                .validateHeaders(true)
                .gracefulShutdownTimeoutMillis(drainTimeout.toMillis())
                .decoderEnforceMaxRstFramesPerWindow(config.maxResets(), resetWindowSeconds)
                .encoderEnforceMaxRstFramesPerWindow(config.maxResets(), resetWindowSeconds)
                .decoderEnforceMaxSmallContinuationFrames(MAX_SMALL_CONTINUATIONS)
                .encoderEnforceMaxQueuedControlFrames(MAX_QUEUED_CONTROL_FRAMES)
                .decoderEnforceMaxConsecutiveEmptyDataFrames(MAX_CONSECUTIVE_EMPTY_DATA)
                .build();
        pipeline.addLast(CODEC, codec)
                .addLast(MULTIPLEX, new Http2MultiplexHandler(new ChannelInitializer<Http2StreamChannel>() {
                    @Override
                    protected void initChannel(Http2StreamChannel stream) {
                        StreamFrontend.install(stream.pipeline(), context);
                    }
                }))
                .addLast(GUARD, new ConnectionGuard(codec.connection(), context));
    }

    /**
     * For a listener without TLS that accepts h2c: a connection that starts with the HTTP/2
     * connection preface (prior knowledge, RFC 9113 §3.3) gets {@link #install}, any other gets
     * HTTP/1.1.
     */
    public static void installCleartext(ChannelPipeline pipeline, FrontendContext context, Http2Config config,
                                        Duration drainTimeout) {
        pipeline.addLast(PRIOR_KNOWLEDGE, new PriorKnowledge(context.limits().headerTimeout(),
                p -> install(p, context, config, drainTimeout),
                p -> HttpFrontend.install(p, context)));
    }

    /** The bytes every HTTP/2 client connection starts with. */
    static byte[] preface() {
        byte[] bytes = new byte[24];
        Http2CodecUtil.connectionPrefaceBuf().readBytes(bytes);
        return bytes;
    }
}
