package dev.ferry.cache;

import static dev.ferry.cache.CacheCase.check;
import static dev.ferry.cache.CacheCase.optimal;
import static dev.ferry.cache.CacheCase.required;
import static dev.ferry.cache.CacheCase.Step.becomeStale;
import static dev.ferry.cache.CacheCase.Step.fresh;
import static dev.ferry.cache.CacheCase.Step.get;

import java.util.List;

/**
 * Validation: conditional requests the cache sends to the origin with the stored validators,
 * verbatim (RFC 9111 §4.3.1), and clients' own conditional requests answered from storage
 * (§4.3.2, RFC 9110 §13.1.1 If-None-Match with weak comparison, §13.1.3 If-Modified-Since).
 */
final class ValidationCases {

    private ValidationCases() {
    }

    /** §4.3.2 with If-None-Match; §4.3.1 sending it. */
    static List<CacheCase> entityTags() {
        return List.of(
                required("conditional-304-etag", "a matching If-None-Match gets a 304 with the ETag from the cache",
                        fresh().reply("ETag", "\"abcdef\""),
                        get().header("If-None-Match", "\"abcdef\"").cached().expectStatus(304)
                                .expectHeader("ETag", "\"abcdef\"")),
                required("conditional-etag-precedence", "If-None-Match decides; If-Modified-Since is then ignored",
                        fresh().reply("Last-Modified", -5000).reply("ETag", "\"abcdef\""),
                        get().header("If-None-Match", "\"abcdef\"").headerDate("If-Modified-Since", -1).cached()
                                .expectStatus(304)),
                required("conditional-etag-vary-headers", "the validation request carries the client's Vary fields",
                        get().header("Abc", "123").reply("Expires", 1).reply("ETag", "\"abcdef\"").reply("Date", 0)
                                .reply("Vary", "Abc").setup().pause(3),
                        get().header("Abc", "123").etagValidated().expectOriginHeader("Abc", "123")),
                optimal("conditional-etag-strong-respond", "a strong ETag matches itself",
                        fresh().reply("ETag", "\"abcdef\""),
                        get().header("If-None-Match", "\"abcdef\"").cached().expectStatus(304)),
                optimal("conditional-etag-weak-respond", "a weak ETag matches itself (weak comparison)",
                        fresh().reply("ETag", "W/\"abcdef\""),
                        get().header("If-None-Match", "W/\"abcdef\"").cached().expectStatus(304)),
                optimal("conditional-etag-strong-respond-multiple-first", "a list matching at its first tag",
                        fresh().reply("ETag", "\"abcdef\""),
                        get().header("If-None-Match", "\"abcdef\", \"1234\", \"5678\"").cached().expectStatus(304)),
                optimal("conditional-etag-strong-respond-multiple-second", "a list matching at its second tag",
                        fresh().reply("ETag", "\"abcdef\""),
                        get().header("If-None-Match", "\"1234\", \"abcdef\", \"5678\"").cached().expectStatus(304)),
                optimal("conditional-etag-strong-respond-multiple-last", "a list matching at its last tag",
                        fresh().reply("ETag", "\"abcdef\""),
                        get().header("If-None-Match", "\"1234\", \"5678\", \"abcdef\"").cached().expectStatus(304)),
                optimal("conditional-etag-strong-generate", "a stale response is validated with its strong ETag",
                        becomeStale().reply("ETag", "\"abcdef\""),
                        get().etagValidated().expectOriginHeader("If-None-Match", "\"abcdef\"")),
                optimal("conditional-etag-weak-generate-weak", "a stale response is validated with its weak ETag",
                        becomeStale().reply("ETag", "W/\"abcdef\""),
                        get().etagValidated().expectOriginHeader("If-None-Match", "W/\"abcdef\"")),
                required("ferry-conditional-only-for-2xx",
                        "a stored 404 is served as a 404 whatever the client's If-None-Match (RFC 9110 §13.2.1)",
                        fresh().status(404).reply("ETag", "\"abcdef\""),
                        get().header("If-None-Match", "\"abcdef\"").status(404).cached()),
                check("conditional-etag-forward", "a client's If-None-Match with nothing stored is forwarded",
                        get().header("If-None-Match", "\"abcdef\"").expectOriginHeader("If-None-Match", "\"abcdef\"")),
                check("conditional-etag-quoted-respond-unquoted", "an unquoted If-None-Match does not match",
                        fresh().reply("ETag", "\"abcdef\""),
                        get().header("If-None-Match", "abcdef").expectStatus(200)),
                check("conditional-etag-vary-headers-mismatch", "another variant is not validated with this ETag",
                        get().header("Abc", "123").reply("Expires", 1).reply("ETag", "\"abcdef\"").reply("Date", 0)
                                .reply("Vary", "Abc").setup().pause(3),
                        get().header("Abc", "456").expectOriginMissing("If-None-Match")));
    }

    /** §4.3.2 with If-Modified-Since (RFC 9110 §13.1.3); §4.3.1 sending Last-Modified. */
    static List<CacheCase> lastModified() {
        return List.of(
                optimal("conditional-lm-fresh", "If-Modified-Since equal to Last-Modified gets a 304",
                        fresh().reply("Last-Modified", -3000),
                        get().headerDate("If-Modified-Since", -3000).cached().expectStatus(304)),
                optimal("conditional-lm-fresh-earlier", "If-Modified-Since after Last-Modified gets a 304",
                        fresh().reply("Last-Modified", -3000),
                        get().headerDate("If-Modified-Since", -2000).cached().expectStatus(304)),
                optimal("conditional-lm-stale", "a stale response is validated with its Last-Modified, verbatim",
                        becomeStale().reply("Last-Modified", -3000),
                        get().headerDate("If-Modified-Since", -3000).lmValidated().expectStatus(304)),
                optimal("conditional-lm-fresh-no-lm", "without Last-Modified the cache may compare the Date",
                        fresh(),
                        get().headerDate("If-Modified-Since", -3000).cached().expectStatus(304)),
                optimal("conditional-lm-fresh-rfc850", "If-Modified-Since in the RFC 850 format",
                        fresh().reply("Last-Modified", -3000),
                        get().headerRfc850Date("If-Modified-Since", -3000).cached().expectStatus(304)));
    }
}
