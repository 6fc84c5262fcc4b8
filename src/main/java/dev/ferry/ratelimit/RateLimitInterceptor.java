package dev.ferry.ratelimit;

import dev.ferry.config.Cidr;
import dev.ferry.config.RateLimitConfig;
import dev.ferry.http.ErrorResponses;
import dev.ferry.http.Exchange;
import dev.ferry.http.ForwardingSink;
import dev.ferry.http.Interceptor;
import io.netty.handler.codec.http.FullHttpResponse;
import io.netty.handler.codec.http.HttpHeaderNames;
import io.netty.handler.codec.http.HttpHeaders;
import io.netty.handler.codec.http.HttpResponse;
import io.netty.handler.codec.http.HttpResponseStatus;
import java.util.List;

/**
 * Applies a rate limit before the rest of the way: a request over the limit gets 429 with
 * {@code Retry-After}; every answer carries the limit's {@code RateLimit-Policy} and the caller's
 * {@code RateLimit} state (IETF httpapi RateLimit header fields draft).
 */
public final class RateLimitInterceptor implements Interceptor {

    private static final CharSequence RATELIMIT = "ratelimit";
    private static final CharSequence RATELIMIT_POLICY = "ratelimit-policy";

    private final RateLimiter limiter;
    private final List<Cidr> trustedProxies;
    private final String policy;

    public RateLimitInterceptor(RateLimiter limiter, List<Cidr> trustedProxies) {
        this.limiter = limiter;
        this.trustedProxies = List.copyOf(trustedProxies);
        RateLimitConfig config = limiter.config();
        this.policy = "\"" + config.name() + "\";q=" + config.rate() + ";w=" + Math.max(1, config.period().toSeconds());
    }

    @Override
    public void intercept(Exchange exchange, Chain chain) {
        String key = LimitKey.of(exchange, limiter.config().keys(), trustedProxies);
        limiter.decide(key, exchange.eventLoop(), decision -> {
            if (exchange.finished()) {
                return;
            }
            if (decision.allowed()) {
                String state = state(decision);
                exchange.decorateResponse(sink -> new ForwardingSink(sink) {
                    @Override
                    public void head(HttpResponse head) {
                        head.headers().set(RATELIMIT_POLICY, policy).set(RATELIMIT, state);
                        next.head(head);
                    }
                });
                chain.proceed(exchange);
            } else {
                exchange.respond(refusal(decision));
            }
        });
    }

    private FullHttpResponse refusal(Decision decision) {
        FullHttpResponse response = decision.undecided()
                ? ErrorResponses.of(HttpResponseStatus.SERVICE_UNAVAILABLE, "rate limit cannot be checked", false)
                : ErrorResponses.of(HttpResponseStatus.TOO_MANY_REQUESTS, "rate limit exceeded", false);
        HttpHeaders headers = response.headers();
        headers.set(HttpHeaderNames.RETRY_AFTER, seconds(decision.retryAfterNanos()))
                .set(RATELIMIT_POLICY, policy)
                .set(RATELIMIT, state(decision));
        return response;
    }

    private String state(Decision decision) {
        return "\"" + limiter.config().name() + "\";r=" + decision.remaining() + ";t=" + seconds(decision.resetNanos());
    }

    /** Whole seconds, rounded up: a client that waits that long is not refused for being early. */
    private static long seconds(long nanos) {
        return Math.max(1, (nanos + 999_999_999L) / 1_000_000_000L);
    }
}
