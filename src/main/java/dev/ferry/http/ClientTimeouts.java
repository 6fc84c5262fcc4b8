package dev.ferry.http;

import dev.ferry.config.Limits;
import io.netty.channel.ChannelDuplexHandler;
import io.netty.channel.ChannelHandlerContext;

/**
 * The client-side timeouts of an HTTP connection. It sits before the decoder, so it sees raw
 * reads, and the frontend tells it which phase the connection is in:
 * <ul>
 *   <li>waiting for a request head: {@code idle_timeout} while nothing arrived on a kept-alive
 *       connection, {@code header_timeout} once the first byte arrived (and from accept);
 *   <li>reading a request body: {@code idle_timeout} between reads;
 *   <li>sending a response the client does not read: {@code idle_timeout} while unwritable.
 * </ul>
 * When one expires it fires a {@link Expired} user event; the frontend decides what to answer.
 */
final class ClientTimeouts extends ChannelDuplexHandler {

    /** Which timeout expired. */
    enum Expired { HEADER, IDLE, BODY, STALLED }

    private enum Phase { AWAIT_HEAD, READ_BODY, RESPOND }

    private final long headerTimeout;
    private final long idleTimeout;
    private Phase phase = Phase.AWAIT_HEAD;
    private boolean headStarted = true;
    private boolean stalled;
    private Deadline deadline;
    private ChannelHandlerContext ctx;

    ClientTimeouts(Limits limits) {
        this.headerTimeout = limits.headerTimeout().toNanos();
        this.idleTimeout = limits.idleTimeout().toNanos();
    }

    @Override
    public void handlerAdded(ChannelHandlerContext ctx) {
        this.ctx = ctx;
        deadline = new Deadline(ctx.executor(), this::expired);
        deadline.arm(headerTimeout);
    }

    @Override
    public void handlerRemoved(ChannelHandlerContext ctx) {
        deadline.cancel();
    }

    @Override
    public void channelRead(ChannelHandlerContext ctx, Object msg) {
        if (phase == Phase.AWAIT_HEAD && !headStarted) {
            headStarted = true;
            deadline.arm(headerTimeout);
        } else if (phase == Phase.READ_BODY) {
            deadline.arm(idleTimeout);
        }
        ctx.fireChannelRead(msg);
    }

    @Override
    public void channelInactive(ChannelHandlerContext ctx) {
        deadline.cancel();
        ctx.fireChannelInactive();
    }

    /** A request head arrived; a body may follow. */
    void headReceived(boolean bodyFollows) {
        phase = bodyFollows ? Phase.READ_BODY : Phase.RESPOND;
        if (bodyFollows) {
            deadline.arm(idleTimeout);
        } else {
            deadline.disarm();
        }
    }

    void bodyReceived() {
        if (phase == Phase.READ_BODY) {
            phase = Phase.RESPOND;
            if (!stalled) {
                deadline.disarm();
            }
        }
    }

    /** The response is done; the next request may start, and some of it may have arrived already. */
    void awaitNextRequest(boolean bytesBuffered) {
        phase = Phase.AWAIT_HEAD;
        headStarted = bytesBuffered;
        stalled = false;
        deadline.arm(bytesBuffered ? headerTimeout : idleTimeout);
    }

    /**
     * Ferry stopped (or resumed) reading the client, e.g. because the server does not take the body
     * as fast: the client is not idle meanwhile, so its body timer waits.
     */
    void readsPaused(boolean paused) {
        if (phase != Phase.READ_BODY || stalled) {
            return;
        }
        if (paused) {
            deadline.disarm();
        } else {
            deadline.arm(idleTimeout);
        }
    }

    /** The client stopped (or resumed) taking response bytes. */
    void clientWritable(boolean writable) {
        if (phase == Phase.AWAIT_HEAD) {
            return;
        }
        stalled = !writable;
        if (stalled) {
            deadline.arm(idleTimeout);
        } else if (phase == Phase.RESPOND) {
            deadline.disarm();
        }
    }

    private void expired() {
        Expired which = switch (phase) {
            case AWAIT_HEAD -> headStarted ? Expired.HEADER : Expired.IDLE;
            case READ_BODY -> stalled ? Expired.STALLED : Expired.BODY;
            case RESPOND -> Expired.STALLED;
        };
        ctx.fireUserEventTriggered(which);
    }
}
