package dev.ferry.http;

import java.util.List;

/**
 * A step between a vetted request and the exchange with the upstream: the seam where the cache and
 * rate limits plug in. An interceptor either answers the exchange itself (a cache hit, a 429) or
 * calls {@link Chain#proceed}, possibly after decorating the response with
 * {@link Exchange#decorateResponse} (a cache tee). Interceptors run in list order.
 */
@FunctionalInterface
public interface Interceptor {

    void intercept(Exchange exchange, Chain chain);

    /** The rest of the way to the upstream. */
    @FunctionalInterface
    interface Chain {
        void proceed(Exchange exchange);
    }

    /** A chain that runs {@code interceptors} in order, then {@code last}. */
    static Chain chain(List<Interceptor> interceptors, Chain last) {
        Chain chain = last;
        for (int i = interceptors.size() - 1; i >= 0; i--) {
            Interceptor interceptor = interceptors.get(i);
            Chain next = chain;
            chain = exchange -> interceptor.intercept(exchange, next);
        }
        return chain;
    }
}
