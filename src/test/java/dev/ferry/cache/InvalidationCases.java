package dev.ferry.cache;

import static dev.ferry.cache.CacheCase.check;
import static dev.ferry.cache.CacheCase.optimal;
import static dev.ferry.cache.CacheCase.required;
import static dev.ferry.cache.CacheCase.Step.fresh;
import static dev.ferry.cache.CacheCase.Step.get;
import static dev.ferry.cache.CacheCase.Step.method;

import java.util.ArrayList;
import java.util.List;

/**
 * Invalidation (RFC 9111 §4.4): a non-error response to an unsafe method (POST, PUT, DELETE, and
 * any method the cache does not know, which it must forward with its body) invalidates the
 * stored responses of the target URI; an error response does not. Invalidating the
 * {@code Location} and {@code Content-Location} targets is allowed, not required.
 */
final class InvalidationCases {

    private static final String[] UNSAFE = {"POST", "PUT", "DELETE", "M-SEARCH"};

    private InvalidationCases() {
    }

    static List<CacheCase> unsafeMethods() {
        List<CacheCase> cases = new ArrayList<>();
        for (String unsafe : UNSAFE) {
            cases.add(required("invalidate-" + unsafe, "a 200 to " + unsafe + " invalidates the URI",
                    fresh(),
                    method(unsafe).body("abc").expectOriginMethod(unsafe).setup(),
                    get().notCached()));
        }
        for (String unsafe : UNSAFE) {
            cases.add(optimal("invalidate-" + unsafe + "-failed", "a 500 to " + unsafe + " leaves the URI stored",
                    fresh(),
                    method(unsafe).body("abc").status(500).setup(),
                    get().cached()));
        }
        cases.add(required("ferry-invalidate-all-variants", "a POST invalidates every stored variant of the URI",
                fresh().header("Foo", "1").reply("Vary", "Foo"),
                get().header("Foo", "2").reply("Cache-Control", "max-age=100000").reply("Vary", "Foo").setup(),
                get().header("Foo", "1").cached().setup(),
                get().header("Foo", "2").cached().setup(),
                method("POST").body("abc").setup(),
                get().header("Foo", "1").expectHeader("Client-Request-Count", "6"),
                get().header("Foo", "2").expectHeader("Client-Request-Count", "7")));
        cases.add(required("ferry-soft-purge-once",
                "a soft PURGE makes the next request revalidate; once revalidated the response is fresh again",
                fresh().reply("ETag", "\"abcdef\""),
                method("PURGE").header("Purge-Mode", "soft").anyStatus().noBodyCheck().setup(),
                get().etagValidated().reply("Cache-Control", "max-age=100000").reply("ETag", "\"abcdef\""),
                get().cached()));
        for (String unsafe : UNSAFE) {
            cases.add(check("invalidate-" + unsafe + "-location", "a 200 to " + unsafe
                    + " invalidates its Location target too",
                    fresh().path("/location_target"),
                    method(unsafe).body("abc").reply("Location", ScriptedOrigin.BASE + "/location_target")
                            .reply("Content-Location", ScriptedOrigin.BASE + "/content_location_target").setup(),
                    get().path("/location_target").notCached()));
            cases.add(check("invalidate-" + unsafe + "-cl", "a 200 to " + unsafe
                    + " invalidates its Content-Location target too",
                    fresh().path("/content_location_target"),
                    method(unsafe).body("abc").reply("Location", ScriptedOrigin.BASE + "/location_target")
                            .reply("Content-Location", ScriptedOrigin.BASE + "/content_location_target").setup(),
                    get().path("/content_location_target").notCached()));
        }
        return cases;
    }
}
