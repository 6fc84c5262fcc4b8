package dev.ferry.cache;

import static dev.ferry.cache.CacheCase.check;
import static dev.ferry.cache.CacheCase.optimal;
import static dev.ferry.cache.CacheCase.required;
import static dev.ferry.cache.CacheCase.Step.becomeStale;
import static dev.ferry.cache.CacheCase.Step.get;

import java.util.ArrayList;
import java.util.List;

/**
 * Serving stale responses (RFC 9111 §4.2.4): only where nothing forbids it, never with
 * must-revalidate, proxy-revalidate, no-cache or (in a shared cache) s-maxage (§5.2.2); and the
 * extensions of RFC 5861: stale-while-revalidate within its window only, stale-if-error.
 */
final class StaleCases {

    private StaleCases() {
    }

    static List<CacheCase> serving() {
        List<CacheCase> cases = new ArrayList<>();
        cases.add(required("stale-while-revalidate-window",
                "stale-while-revalidate serves stale inside its window only; the refresh carries the client's fields",
                get().reply("Cache-Control", "max-age=1, stale-while-revalidate=4").reply("ETag", "\"abc\"")
                        .setup().pause(3),
                get().cached().setup().reply("Cache-Control", "no-cache").reply("ETag", "\"def\"").awaitOrigin(2)
                        .pause(3),
                get().expectHeader("Client-Request-Count", "3")));
        for (String directive : new String[] {"must-revalidate", "proxy-revalidate", "no-cache", "s-maxage=2"}) {
            cases.add(required("stale-close-" + directive, "with " + directive
                    + ", an unreachable origin gets an error, not the stale response",
                    get().reply("Cache-Control", "max-age=2, " + directive).setup().pause(3),
                    get().disconnect().anyStatus().noBodyCheck().expectMissing("Server-Request-Count")));
        }
        cases.add(optimal("stale-while-revalidate", "inside the window, the stale response is served at once",
                get().reply("Cache-Control", "max-age=1, stale-while-revalidate=3600").reply("ETag", "\"abc\"")
                        .setup().pause(3),
                get().cached().awaitOrigin(2)));
        cases.add(check("stale-close", "an unreachable origin: the stale response is served",
                becomeStale(),
                get().disconnect().cached()));
        cases.add(check("stale-503", "an origin answering 503: the stale response is served",
                becomeStale(),
                get().status(503).cached().expectStatus(200)));
        cases.add(check("stale-sie-close", "stale-if-error and an unreachable origin: the stale response is served",
                get().reply("Cache-Control", "max-age=2, stale-if-error=60").setup().pause(3),
                get().disconnect().cached()));
        cases.add(check("stale-sie-503", "stale-if-error and a 503: the stale response is served",
                get().reply("Cache-Control", "max-age=2, stale-if-error=60").setup().pause(3),
                get().status(503).cached().expectStatus(200)));
        cases.add(required("ferry-miss-after-origin-failure",
                "after the origin failed a miss, the next request for the URL goes to the origin (none waits)",
                get().disconnect().anyStatus().noBodyCheck().setup(),
                get().reply("Cache-Control", "max-age=3600").expectHeader("Client-Request-Count", "2")));
        cases.add(check("ferry-no-cache-stale-if-error-503",
                "no-cache forbids serving stale (RFC 9111 §4.2.4) even with stale-if-error, as on a disconnect",
                get().reply("Cache-Control", "max-age=2, no-cache, stale-if-error=60").setup().pause(3),
                get().status(503).notCached()));
        return cases;
    }
}
