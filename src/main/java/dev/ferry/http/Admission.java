package dev.ferry.http;

import io.netty.handler.codec.http.HttpHeaderNames;
import io.netty.handler.codec.http.HttpHeaderValues;
import io.netty.handler.codec.http.HttpRequest;
import io.netty.handler.codec.http.HttpResponseStatus;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * What every request goes through once its head is known, whichever protocol carried it (an
 * HTTP/1.1 connection or an HTTP/2 stream): its expectation (only {@code 100-continue}, 417
 * otherwise), an in-flight slot (503 when none is free), then the listener's handler.
 */
final class Admission {

    private static final Logger log = LoggerFactory.getLogger(Admission.class);

    private Admission() {
    }

    static void admit(Exchange exchange, FrontendContext context) {
        HttpRequest request = exchange.request();
        String expect = request.headers().get(HttpHeaderNames.EXPECT);
        if (expect != null) {
            request.headers().remove(HttpHeaderNames.EXPECT);
            if (!expect.equalsIgnoreCase(HttpHeaderValues.CONTINUE.toString())) {
                exchange.respond(ErrorResponses.of(HttpResponseStatus.EXPECTATION_FAILED,
                        "unsupported expectation", exchange.hasBody()));
                return;
            }
            exchange.expectContinue();
        }
        if (!context.inFlight().tryAcquire()) {
            exchange.respond(ErrorResponses.of(HttpResponseStatus.SERVICE_UNAVAILABLE,
                    "too many requests in flight", exchange.hasBody()));
            return;
        }
        exchange.holdPermit();
        try {
            context.handler().handle(exchange);
        } catch (RuntimeException e) {
            log.error("request handler failed for {} {}", request.method(), exchange.originalTarget(), e);
            exchange.response().abort(HttpResponseStatus.INTERNAL_SERVER_ERROR, "internal error");
        }
    }
}
