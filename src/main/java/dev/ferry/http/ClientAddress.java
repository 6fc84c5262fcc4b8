package dev.ferry.http;

import io.netty.channel.Channel;
import io.netty.util.AttributeKey;
import java.net.InetSocketAddress;

/**
 * The client behind a connection: the socket peer, unless a trusted proxy named the real client
 * in a PROXY protocol header. Logs, ACLs, hashing and rate limits use this; trust decisions use the
 * socket peer.
 */
public final class ClientAddress {

    private static final AttributeKey<InetSocketAddress> KEY = AttributeKey.valueOf("ferry.client-address");

    private ClientAddress() {
    }

    /** Records the client a trusted PROXY header named. */
    public static void set(Channel channel, InetSocketAddress client) {
        channel.attr(KEY).set(client);
    }

    public static InetSocketAddress of(Channel channel) {
        InetSocketAddress named = channel.attr(KEY).get();
        return named != null ? named : (InetSocketAddress) channel.remoteAddress();
    }

    /** The socket peer, whatever a PROXY header said. */
    public static InetSocketAddress peer(Channel channel) {
        return (InetSocketAddress) channel.remoteAddress();
    }
}
