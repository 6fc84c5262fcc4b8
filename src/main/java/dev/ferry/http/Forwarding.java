package dev.ferry.http;

import io.netty.handler.codec.http.HttpHeaderNames;
import io.netty.handler.codec.http.HttpHeaders;
import java.net.Inet6Address;
import java.net.InetAddress;

/**
 * The headers a reverse proxy adds so servers know who the client was: {@code X-Forwarded-For},
 * {@code X-Forwarded-Proto}, {@code X-Forwarded-Host} and {@code Forwarded} (RFC 7239). Values a
 * client sent are believed (and appended to) only when the peer is a trusted proxy; from anyone
 * else they are replaced, so a client cannot forge its address.
 */
public final class Forwarding {

    private static final CharSequence X_FORWARDED_FOR = "x-forwarded-for";
    private static final CharSequence X_FORWARDED_PROTO = "x-forwarded-proto";
    private static final CharSequence X_FORWARDED_HOST = "x-forwarded-host";
    private static final CharSequence FORWARDED = "forwarded";

    private Forwarding() {
    }

    /**
     * @param client the peer's address (or the one a trusted PROXY header gave)
     * @param trusted whether the peer is one of the listener's {@code trusted_proxies}
     * @param proto {@code http} or {@code https}, as the client reached Ferry
     */
    public static void apply(HttpHeaders headers, InetAddress client, boolean trusted, String proto) {
        String ip = client.getHostAddress();
        String host = headers.get(HttpHeaderNames.HOST);
        String priorFor = trusted ? headers.get(X_FORWARDED_FOR) : null;
        headers.set(X_FORWARDED_FOR, priorFor == null ? ip : priorFor + ", " + ip);
        if (!trusted || !headers.contains(X_FORWARDED_PROTO)) {
            headers.set(X_FORWARDED_PROTO, proto);
        }
        if (!trusted || !headers.contains(X_FORWARDED_HOST)) {
            if (host != null) {
                headers.set(X_FORWARDED_HOST, host);
            } else {
                headers.remove(X_FORWARDED_HOST);
            }
        }
        StringBuilder element = new StringBuilder("for=").append(node(client));
        if (host != null) {
            element.append(";host=").append(quoteIfNeeded(host));
        }
        element.append(";proto=").append(proto);
        String priorForwarded = trusted ? headers.get(FORWARDED) : null;
        headers.set(FORWARDED, priorForwarded == null ? element : priorForwarded + ", " + element);
    }

    /** RFC 7239 §6: an IPv6 node is bracketed and therefore quoted. */
    private static String node(InetAddress address) {
        return address instanceof Inet6Address ? "\"[" + address.getHostAddress() + "]\"" : address.getHostAddress();
    }

    private static String quoteIfNeeded(String value) {
        return HttpChars.isToken(value) ? value : "\"" + value.replace("\\", "\\\\").replace("\"", "\\\"") + "\"";
    }
}
