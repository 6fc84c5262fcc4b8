package dev.ferry.cache;

import static dev.ferry.cache.CacheCase.optimal;
import static dev.ferry.cache.CacheCase.required;
import static dev.ferry.cache.CacheCase.Step.get;

import java.util.List;

/**
 * Partial content (RFC 9110 §14, RFC 9111 §3.3-3.4): a single byte range served as a 206 from a
 * stored complete 200 with the stored fields; a Range request forwarded unchanged on a miss; a
 * stored 206 never served as a 200. Storing 206 responses and combining them is optional.
 */
final class PartialCases {

    private static final String ELEVEN = "01234567890";

    private PartialCases() {
    }

    private static CacheCase.Step complete(String body) {
        return get().reply("Cache-Control", "max-age=3600").reply("A", "1").replyBody(body).setup();
    }

    private static CacheCase.Step storedPart() {
        return get().header("Range", "bytes=-5").expectOriginHeader("Range", "bytes=-5").status(206)
                .reply("Content-Range", "bytes 4-9/10").reply("Cache-Control", "max-age=3600").replyBody("01234")
                .setup();
    }

    static List<CacheCase> ranges() {
        return List.of(
                required("partial-use-headers", "a range of a stored 200 is served as a 206",
                        complete(ELEVEN),
                        get().header("Range", "bytes=0-1").reply("A", "2").cached().setup().expectStatus(206)
                                .expectBody("01")),
                required("partial-use-stored-headers", "the 206 carries the stored fields",
                        complete(ELEVEN),
                        get().header("Range", "bytes=0-1").reply("A", "2").cached().setup().expectStatus(206)
                                .expectBody("01").expectHeader("A", "1")
                                .expectHeader("Content-Range", "bytes 0-1/11")),
                optimal("partial-store-complete-reuse-partial", "bytes=0-1 of a stored 200",
                        complete(ELEVEN),
                        get().header("Range", "bytes=0-1").cached().expectStatus(206).expectBody("01")),
                optimal("partial-store-complete-reuse-partial-no-last", "bytes=1- of a stored 200",
                        complete(ELEVEN),
                        get().header("Range", "bytes=1-").cached().expectStatus(206).expectBody("1234567890")),
                optimal("partial-store-complete-reuse-partial-suffix", "bytes=-1 of a stored 200",
                        complete("0123456789A"),
                        get().header("Range", "bytes=-1").cached().expectStatus(206).expectBody("A")),
                optimal("partial-store-partial-reuse-partial", "a stored 206 serves the same range",
                        storedPart(),
                        get().header("Range", "bytes=-5").cached().expectStatus(206).expectBody("01234")),
                optimal("partial-store-partial-reuse-partial-byterange", "a stored 206 serves a range inside it",
                        storedPart(),
                        get().header("Range", "bytes=6-8").cached().expectStatus(206).expectBody("234")),
                optimal("partial-store-partial-reuse-partial-absent", "a stored 206 serves an open range inside it",
                        storedPart(),
                        get().header("Range", "bytes=6-").cached().expectStatus(206).expectBody("234")),
                optimal("partial-store-partial-reuse-partial-suffix", "a stored 206 serves a suffix inside it",
                        storedPart(),
                        get().header("Range", "bytes=-1").cached().expectStatus(206).expectBody("4")),
                optimal("partial-store-partial-complete", "a stored first part is completed with a range request",
                        get().header("Range", "bytes=-5").status(206).reply("Content-Range", "bytes 0-4/10")
                                .reply("Cache-Control", "max-age=3600").replyBody("01234").setup(),
                        get().expectOriginHeader("Range", "bytes=5-").noBodyCheck().anyStatus()),
                optimal("ferry-range-after-validation",
                        "a range of a stale stored 200 is served as a 206 once validated",
                        get().reply("Cache-Control", "max-age=2").reply("ETag", "\"abc\"").replyBody(ELEVEN).setup()
                                .pause(3),
                        get().header("Range", "bytes=0-1").etagValidated().expectStatus(206).expectBody("01")),
                required("ferry-partial-206-not-served-whole", "a stored 206 is never the answer to a plain GET",
                        storedPart(),
                        get().notCached().expectStatus(200)));
    }
}
