package dev.ferry.forward;

import java.net.Inet6Address;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.NetworkInterface;
import java.net.SocketException;
import java.util.Collections;
import java.util.HashSet;
import java.util.List;
import java.util.Set;

/**
 * The addresses Ferry itself listens on, so the forward proxy never sends a request to itself (a
 * loop that would use up every connection). A listener bound to a wildcard address listens on
 * every local address, so a target on that port is refused when its address is local. A target at
 * the unspecified address ({@code 0.0.0.0}, {@code ::}) is refused on every listener's port:
 * connecting to it reaches this host (the JDK connects such a socket to loopback instead).
 */
public final class SelfAddresses {

    private final Set<InetSocketAddress> exact = new HashSet<>();
    private final Set<Integer> wildcardPorts = new HashSet<>();
    private final Set<Integer> ports = new HashSet<>();
    private final Set<InetAddress> localAddresses;

    private SelfAddresses(List<InetSocketAddress> bound, Set<InetAddress> localAddresses) {
        this.localAddresses = localAddresses;
        for (InetSocketAddress address : bound) {
            ports.add(address.getPort());
            if (address.getAddress().isAnyLocalAddress()) {
                wildcardPorts.add(address.getPort());
            } else {
                exact.add(normalise(address.getAddress(), address.getPort()));
            }
        }
    }

    /** The listeners' bound addresses (as actually bound, so port 0 is resolved). */
    public static SelfAddresses of(List<InetSocketAddress> bound) {
        return new SelfAddresses(bound, interfaceAddresses());
    }

    public boolean contains(InetAddress address, int port) {
        if (address.isAnyLocalAddress() && ports.contains(port)) {
            return true;
        }
        if (wildcardPorts.contains(port) && (address.isLoopbackAddress() || localAddresses.contains(address))) {
            return true;
        }
        return exact.contains(normalise(address, port));
    }

    private static InetSocketAddress normalise(InetAddress address, int port) {
        return new InetSocketAddress(address instanceof Inet6Address v6 && v6.getScopeId() != 0
                ? withoutScope(v6) : address, port);
    }

    private static InetAddress withoutScope(Inet6Address address) {
        try {
            return InetAddress.getByAddress(address.getAddress());
        } catch (java.net.UnknownHostException e) {
            return address;
        }
    }

    private static Set<InetAddress> interfaceAddresses() {
        Set<InetAddress> addresses = new HashSet<>();
        try {
            for (NetworkInterface nic : Collections.list(NetworkInterface.getNetworkInterfaces())) {
                for (InetAddress address : Collections.list(nic.getInetAddresses())) {
                    addresses.add(address instanceof Inet6Address v6 ? withoutScope(v6) : address);
                }
            }
        } catch (SocketException e) {
            // Without the list, wildcard listeners are still recognised on loopback.
        }
        return addresses;
    }
}
