package dev.ferry.upstream;

import dev.ferry.http.BodyReceiver;
import dev.ferry.http.Exchange;
import io.netty.handler.codec.http.HttpContent;
import io.netty.handler.codec.http.LastHttpContent;
import java.util.ArrayList;
import java.util.List;

/**
 * The request body on its way to the current attempt. It keeps a copy of the body while the body
 * stays under {@code max_replay_body}, so a later attempt (another server, or a fresh connection)
 * can be sent the same bytes; past that size the copy is dropped and the request can no longer be
 * retried once any of it left. Nothing is ever sent twice to one attempt, and nothing is lost.
 */
final class RequestStream implements BodyReceiver {

    private final Exchange exchange;
    private final long maxReplay;
    private List<HttpContent> kept;
    private long keptBytes;
    private boolean replayable = true;
    private boolean receiving;
    private ProxyCall target;

    RequestStream(Exchange exchange, long maxReplay) {
        this.exchange = exchange;
        this.maxReplay = maxReplay;
    }

    /** Whether a new attempt can be sent the whole body (so far). */
    boolean replayable() {
        return !exchange.hasBody() || replayable;
    }

    /** Starts feeding {@code call}: the body seen so far (replayed), then the rest as it arrives. */
    void attach(ProxyCall call) {
        target = call;
        if (!exchange.hasBody()) {
            call.send(LastHttpContent.EMPTY_LAST_CONTENT);
            call.flush();
            return;
        }
        if (kept != null) {
            for (HttpContent part : kept) {
                call.send(part.retainedDuplicate());
            }
        }
        if (!receiving) {
            receiving = true;
            exchange.receiveBody(this);
        } else {
            call.flush();
            if (!exchange.requestComplete()) {
                exchange.resumeBody();
            }
        }
    }

    /**
     * The current attempt is over. Reading the client pauses until the next attempt attaches:
     * bytes read meanwhile could only be kept while the copy lasts, and a part that is neither
     * kept nor sent would be lost.
     */
    void detach() {
        target = null;
        if (exchange.hasBody() && !exchange.requestComplete()) {
            exchange.pauseBody();
        }
    }

    @Override
    public void bodyPart(HttpContent part) {
        if (replayable) {
            int size = part.content().readableBytes();
            if (keptBytes + size > maxReplay) {
                release();
                replayable = false;
            } else {
                if (kept == null) {
                    kept = new ArrayList<>(4);
                }
                kept.add(part.retainedDuplicate());
                keptBytes += size;
            }
        }
        if (target != null) {
            target.send(part);
        } else {
            part.release();
        }
    }

    @Override
    public void flushBody() {
        if (target != null) {
            target.flush();
        }
    }

    /** Drops the kept copy. */
    void release() {
        if (kept != null) {
            kept.forEach(HttpContent::release);
            kept = null;
        }
        keptBytes = 0;
    }
}
