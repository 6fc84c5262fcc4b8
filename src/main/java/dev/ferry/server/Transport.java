package dev.ferry.server;

import dev.ferry.config.ServerSettings;
import io.netty.channel.AdaptiveRecvByteBufAllocator;
import io.netty.channel.EventLoopGroup;
import io.netty.channel.RecvByteBufAllocator;
import io.netty.channel.IoHandlerFactory;
import io.netty.channel.MultiThreadIoEventLoopGroup;
import io.netty.channel.ServerChannel;
import io.netty.channel.epoll.Epoll;
import io.netty.channel.epoll.EpollDatagramChannel;
import io.netty.channel.epoll.EpollIoHandler;
import io.netty.channel.epoll.EpollServerSocketChannel;
import io.netty.channel.epoll.EpollSocketChannel;
import io.netty.channel.nio.NioIoHandler;
import io.netty.channel.uring.IoUring;
import io.netty.channel.uring.IoUringDatagramChannel;
import io.netty.channel.uring.IoUringIoHandler;
import io.netty.channel.uring.IoUringServerSocketChannel;
import io.netty.channel.uring.IoUringSocketChannel;
import io.netty.channel.socket.DatagramChannel;
import io.netty.channel.socket.SocketChannel;
import io.netty.channel.socket.nio.NioDatagramChannel;
import io.netty.channel.socket.nio.NioServerSocketChannel;
import io.netty.channel.socket.nio.NioSocketChannel;
import io.netty.util.concurrent.DefaultThreadFactory;

/**
 * The socket implementation: Linux io_uring or epoll when their native libraries load, Java NIO
 * otherwise. Every channel Ferry creates (listeners, upstream connections, DNS, health checks)
 * comes from here, so they all fit the event loops they run on.
 */
public enum Transport {

    EPOLL(EpollServerSocketChannel.class, EpollSocketChannel.class, EpollDatagramChannel.class) {
        @Override
        IoHandlerFactory ioHandlerFactory() {
            return EpollIoHandler.newFactory();
        }
    },
    IO_URING(IoUringServerSocketChannel.class, IoUringSocketChannel.class, IoUringDatagramChannel.class) {
        @Override
        IoHandlerFactory ioHandlerFactory() {
            return IoUringIoHandler.newFactory();
        }

        /**
         * io_uring keeps one receive in flight per connection, sized by this guess; from Netty's
         * 2 KiB start a large body took many round trips (measured: /large fell from 1,260 to
         * 470 req/s after a run of small requests). Starting at 16 KiB fixed that and halved the
         * CPU per small request.
         */
        @Override
        public RecvByteBufAllocator receiveBuffers() {
            return new AdaptiveRecvByteBufAllocator(512, 16 * 1024, 64 * 1024);
        }
    },
    NIO(NioServerSocketChannel.class, NioSocketChannel.class, NioDatagramChannel.class) {
        @Override
        IoHandlerFactory ioHandlerFactory() {
            return NioIoHandler.newFactory();
        }
    };

    private final Class<? extends ServerChannel> serverChannel;
    private final Class<? extends SocketChannel> socketChannel;
    private final Class<? extends DatagramChannel> datagramChannel;

    Transport(Class<? extends ServerChannel> serverChannel, Class<? extends SocketChannel> socketChannel,
              Class<? extends DatagramChannel> datagramChannel) {
        this.serverChannel = serverChannel;
        this.socketChannel = socketChannel;
        this.datagramChannel = datagramChannel;
    }

    /**
     * The transport for {@code choice}: {@code auto} is io_uring where the kernel allows it (it
     * batches socket operations into fewer kernel entries), else epoll, else NIO; a forced choice
     * falls back the same way when it is not available. {@code -Dferry.transport=...} overrides
     * the config (for tests and experiments).
     */
    public static Transport choose(ServerSettings.TransportChoice choice) {
        String override = System.getProperty("ferry.transport");
        if (override != null) {
            choice = ServerSettings.TransportChoice.valueOf(override.toUpperCase(java.util.Locale.ROOT));
        }
        if (choice == ServerSettings.TransportChoice.NIO) {
            return NIO;
        }
        if ((choice == ServerSettings.TransportChoice.AUTO || choice == ServerSettings.TransportChoice.IO_URING)
                && IoUring.isAvailable()) {
            return IO_URING;
        }
        return Epoll.isAvailable() ? EPOLL : NIO;
    }

    abstract IoHandlerFactory ioHandlerFactory();

    /** How reads are sized on this transport's connections (Netty's defaults unless said otherwise). */
    public RecvByteBufAllocator receiveBuffers() {
        return new AdaptiveRecvByteBufAllocator();
    }

    /** Event loops; {@code threads == 0} means one per available core. */
    public EventLoopGroup newEventLoopGroup(int threads, String name) {
        int n = threads > 0 ? threads : Runtime.getRuntime().availableProcessors();
        return new MultiThreadIoEventLoopGroup(n, new DefaultThreadFactory(name, true), ioHandlerFactory());
    }

    public Class<? extends ServerChannel> serverChannel() {
        return serverChannel;
    }

    public Class<? extends SocketChannel> socketChannel() {
        return socketChannel;
    }

    public Class<? extends DatagramChannel> datagramChannel() {
        return datagramChannel;
    }
}
