package dev.ferry.ratelimit;

import dev.ferry.config.Cidr;
import dev.ferry.config.RateLimitConfig;
import dev.ferry.http.Exchange;
import io.netty.util.NetUtil;
import java.net.InetAddress;
import java.util.List;

/**
 * Who a request counts against: the parts named by the limit's {@code key} (client address,
 * header values, route), joined. The client address is the connection's (or the one a trusted
 * PROXY header gave), unless that is one of the listener's trusted proxies: then it is the
 * right-most address of {@code X-Forwarded-For} that is not a trusted proxy, so a client cannot
 * pick its own key by sending the header.
 */
final class LimitKey {

    private LimitKey() {
    }

    static String of(Exchange exchange, List<RateLimitConfig.Key> keys, List<Cidr> trustedProxies) {
        if (keys.size() == 1) {
            return part(exchange, keys.get(0), trustedProxies);
        }
        StringBuilder key = new StringBuilder();
        for (RateLimitConfig.Key part : keys) {
            if (key.length() > 0) {
                key.append('|');
            }
            key.append(part(exchange, part, trustedProxies));
        }
        return key.toString();
    }

    private static String part(Exchange exchange, RateLimitConfig.Key key, List<Cidr> trustedProxies) {
        return switch (key.source()) {
            case CLIENT_IP -> clientIp(exchange, trustedProxies);
            case HEADER -> {
                String value = exchange.request().headers().get(key.name());
                yield value == null ? "-" : value;
            }
            case ROUTE -> exchange.routeName() == null ? "-" : exchange.routeName();
        };
    }

    static String clientIp(Exchange exchange, List<Cidr> trustedProxies) {
        InetAddress peer = exchange.clientAddress().getAddress();
        if (!trusted(peer.getAddress(), trustedProxies)) {
            return peer.getHostAddress();
        }
        String forwardedFor = exchange.request().headers().get("x-forwarded-for");
        if (forwardedFor == null) {
            return peer.getHostAddress();
        }
        String[] hops = forwardedFor.split(",");
        String leftmost = peer.getHostAddress();
        for (int i = hops.length - 1; i >= 0; i--) {
            String hop = hops[i].trim();
            byte[] address = NetUtil.createByteArrayFromIpAddressString(hop);
            if (address == null) {
                break;
            }
            leftmost = hop;
            if (!trusted(address, trustedProxies)) {
                return hop;
            }
        }
        return leftmost;
    }

    private static boolean trusted(byte[] address, List<Cidr> trustedProxies) {
        for (Cidr block : trustedProxies) {
            if (block.contains(address)) {
                return true;
            }
        }
        return false;
    }
}
