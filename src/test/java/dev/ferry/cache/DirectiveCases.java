package dev.ferry.cache;

import static dev.ferry.cache.CacheCase.check;
import static dev.ferry.cache.CacheCase.optimal;
import static dev.ferry.cache.CacheCase.required;
import static dev.ferry.cache.CacheCase.Step.fresh;
import static dev.ferry.cache.CacheCase.Step.get;

import java.util.List;

/**
 * Cache directives other than freshness: response directives (RFC 9111 §5.2.2), requests with
 * {@code Authorization} (§3.5), request directives (§5.2.1) and {@code Pragma} (§5.4).
 */
final class DirectiveCases {

    private DirectiveCases() {
    }

    /** §5.2.2: private, no-store, no-cache, must-revalidate. */
    static List<CacheCase> responseDirectives() {
        return List.of(
                required("cc-resp-private-shared", "a shared cache does not store private",
                        get().reply("Cache-Control", "private, max-age=3600").setup(),
                        get().notCached()),
                required("cc-resp-no-store", "no-store is not stored",
                        get().reply("Cache-Control", "no-store").setup().pause(3),
                        get().notCached()),
                required("cc-resp-no-store-case-insensitive", "No-StOrE is no-store",
                        get().reply("Cache-Control", "No-StOrE").setup().pause(3),
                        get().notCached()),
                required("cc-resp-no-store-fresh", "no-store wins over max-age and Expires",
                        get().reply("Cache-Control", "max-age=10000, no-store").reply("Expires", 10000)
                                .reply("Date", 0).setup().pause(3),
                        get().notCached()),
                required("cc-resp-no-store-old-new", "a fresh stored response keeps being served",
                        get().reply("Cache-Control", "max-age=10000").reply("Expires", 10000).reply("Date", 0)
                                .reply("A", "1").setup().pause(3),
                        get().reply("Cache-Control", "no-store").reply("A", "2").setup().pause(3),
                        get().cached().expectHeader("A", "1")),
                required("cc-resp-no-store-old-max-age", "a fresh stored response keeps being served (2)",
                        get().reply("Cache-Control", "max-age=10000").reply("Expires", 10000).reply("Date", 0)
                                .reply("A", "1").setup().pause(3),
                        get().reply("Cache-Control", "no-store, max-age=0").reply("A", "2").setup().pause(3),
                        get().cached().expectHeader("A", "1")),
                required("cc-resp-no-cache", "no-cache without a validator: every use goes to the origin",
                        get().reply("Cache-Control", "max-age=10000, no-cache").reply("Expires", 10000)
                                .reply("Date", 0).setup(),
                        get().notCached()),
                required("cc-resp-no-cache-case-insensitive", "No-CaChE is no-cache",
                        get().reply("Cache-Control", "max-age=10000, No-CaChE").reply("Expires", 10000)
                                .reply("Date", 0).setup(),
                        get().notCached()),
                required("cc-resp-must-revalidate-stale", "stale with must-revalidate: validated with its ETag",
                        get().reply("Cache-Control", "max-age=2, must-revalidate").reply("ETag", "\"abcd\"").setup(),
                        get().cached().setup().pause(3),
                        get().etagValidated()),
                optimal("cc-resp-no-cache-revalidate", "no-cache with an ETag: stored, validated on each use",
                        get().reply("Cache-Control", "no-cache").reply("ETag", "\"abcd\"").setup(),
                        get().etagValidated()),
                optimal("cc-resp-no-cache-revalidate-fresh", "no-cache with max-age and an ETag: validated",
                        get().reply("Cache-Control", "max-age=10000, no-cache").reply("Expires", 10000)
                                .reply("Date", 0).reply("ETag", "\"abcd\"").setup(),
                        get().etagValidated()),
                optimal("cc-resp-must-revalidate-fresh", "must-revalidate does not stop a fresh response being used",
                        get().reply("Cache-Control", "max-age=10000, must-revalidate").reply("ETag", "\"abcd\"")
                                .setup(),
                        get().cached()),
                check("headers-omit-headers-listed-in-Cache-Control-no-cache-single",
                        "no-cache=\"a\": reused without field a",
                        get().reply("Cache-Control", "no-cache=\"a\"").reply("a", "1").reply("b", "2")
                                .reply("Cache-Control", "max-age=3600").setup().pause(3),
                        get().cached().expectHeader("b", "2").expectMissing("a")),
                check("headers-omit-headers-listed-in-Cache-Control-no-cache",
                        "no-cache=\"a, b\": reused without fields a and b",
                        get().reply("Cache-Control", "no-cache=\"a, b\"").reply("a", "1").reply("b", "2")
                                .reply("c", "3").reply("Cache-Control", "max-age=3600").setup().pause(3),
                        get().cached().expectHeader("c", "3").expectMissing("a", "b")));
    }

    /** §3.5: a response to a request with Authorization is reused only if the response says so. */
    static List<CacheCase> authorization() {
        return List.of(
                required("other-authorization", "a response to an authorized request is not reused",
                        fresh().header("Authorization", "FOO").expectOriginHeader("Authorization", "FOO"),
                        get().notCached()),
                optimal("other-authorization-public", "public allows reusing it",
                        get().header("Authorization", "FOO").reply("Cache-Control", "max-age=3600, public")
                                .reply("Date", 0).setup().pause(3),
                        get().cached()),
                optimal("other-authorization-must-revalidate", "must-revalidate allows reusing it",
                        get().header("Authorization", "FOO").reply("Cache-Control", "max-age=3600, must-revalidate")
                                .reply("Date", 0).setup().pause(3),
                        get().cached()),
                optimal("other-authorization-smaxage", "s-maxage allows reusing it",
                        get().header("Authorization", "FOO").reply("Cache-Control", "s-maxage=3600")
                                .reply("Date", 0).setup().pause(3),
                        get().cached()));
    }

    /** §5.2.1 and §5.4: what a client's directives may do; none of them is required of a shared cache. */
    static List<CacheCase> requestDirectives() {
        return List.of(
                check("ccreq-ma0", "request max-age=0 goes to the origin",
                        fresh(),
                        get().header("Cache-Control", "max-age=0").notCached()),
                check("ccreq-ma1", "request max-age=1 refuses a 3 s old response",
                        fresh(),
                        get().header("Cache-Control", "max-age=1").notCached()),
                check("ccreq-max-stale", "request max-stale accepts a stale response",
                        get().reply("Cache-Control", "max-age=1").setup().pause(3),
                        get().header("Cache-Control", "max-stale=1000").cached()),
                check("ccreq-min-fresh", "request min-fresh beyond the lifetime goes to the origin",
                        get().reply("Cache-Control", "max-age=1500").setup(),
                        get().header("Cache-Control", "min-fresh=2000").notCached()),
                check("ccreq-no-cache", "request no-cache goes to the origin",
                        fresh(),
                        get().header("Cache-Control", "no-cache").notCached()),
                check("ccreq-no-cache-etag", "request no-cache validates with the stored ETag",
                        fresh().reply("ETag", "\"abcdef\""),
                        get().header("Cache-Control", "no-cache").etagValidated()),
                check("ccreq-no-store", "request no-store goes to the origin",
                        fresh(),
                        get().header("Cache-Control", "no-store").notCached()),
                check("ccreq-oic", "only-if-cached with nothing stored gets 504",
                        get().header("Cache-Control", "only-if-cached").expectStatus(504).noBodyCheck()),
                check("pragma-request-no-cache", "Pragma: no-cache next to Cache-Control is ignored",
                        fresh(),
                        get().header("Pragma", "no-cache").cached()),
                check("pragma-request-extension", "an unknown Pragma is ignored",
                        fresh(),
                        get().header("Pragma", "unrecognised-extension").cached()),
                check("pragma-response-no-cache", "a response's Pragma: no-cache is ignored",
                        get().reply("Cache-Control", "max-age=3600").reply("Pragma", "no-cache").setup().pause(3),
                        get().cached()));
    }
}
