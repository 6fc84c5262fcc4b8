package dev.ferry.cache;

import static dev.ferry.cache.CacheCase.check;
import static dev.ferry.cache.CacheCase.optimal;
import static dev.ferry.cache.CacheCase.required;
import static dev.ferry.cache.CacheCase.Step.fresh;
import static dev.ferry.cache.CacheCase.Step.get;
import static dev.ferry.cache.CacheCase.Step.method;

import java.util.List;

/**
 * What a response served from the cache carries ({@code Age} generated, RFC 9111 §5.1 and §4.2.3;
 * the stored {@code Date} kept, and one added where the origin sent none, RFC 9110 §6.6.1), the
 * cache key (§2: the query counts, request {@code Cookie} does not), reuse of a POST response
 * (§4), and 1xx interim responses (RFC 9110 §15.2: relayed, never stored, their fields never
 * merged into the final response).
 */
final class OtherCases {

    private static final String LINK = "</styles.css>; rel=preload; as=style";

    private OtherCases() {
    }

    /** §5.1, §4.2.3, RFC 9110 §6.6.1. */
    static List<CacheCase> ageAndDate() {
        return List.of(
                required("other-age-gen", "a response from the cache has an Age of its time in storage",
                        fresh(),
                        get().cached().expectHeaderAbove("Age", 2)),
                required("other-age-update-expires", "Age adds the time in storage to the upstream Age (Expires)",
                        get().reply("Expires", 30 * 86400).reply("Date", 0).reply("Age", "30").setup().pause(3),
                        get().cached().expectHeaderAbove("Age", 32)),
                required("other-age-update-max-age", "Age adds the time in storage to the upstream Age (max-age)",
                        fresh().reply("Age", "30"),
                        get().cached().expectHeaderAbove("Age", 32)),
                required("other-date-update", "a response from the cache keeps its Date",
                        fresh(),
                        get().cached().expectHeader("Date", 0)),
                required("other-date-update-expires", "a response from the cache keeps its Date (Expires)",
                        get().reply("Expires", 30 * 86400).reply("Date", 0).setup().pause(3),
                        get().cached().expectHeader("Date", 0)),
                required("ferry-date-added", "a response without Date gets one, on the way through and from the cache",
                        get().reply("Cache-Control", "max-age=100000").noDate().expectHeader("Date").setup().pause(3),
                        get().cached().expectHeader("Date")),
                check("other-date-update-expires-update", "a response from the cache keeps its Expires",
                        get().reply("Expires", 30 * 86400).reply("Date", 0).setup().pause(3),
                        get().cached().expectHeader("Expires", 30 * 86400)),
                check("other-heuristic-content-disposition-attachment", "an attachment is cached heuristically",
                        get().reply("Last-Modified", -100000).reply("Date", 0)
                                .reply("Content-Disposition", "attachment; filename=a.txt").setup().pause(3),
                        get().cached()),
                check("other-fresh-content-disposition-attachment", "a fresh attachment is cached",
                        fresh().reply("Content-Disposition", "attachment; filename=a.txt"),
                        get().cached()));
    }

    /** §2 and §4. */
    static List<CacheCase> cacheKey() {
        return List.of(
                required("query-args-different", "the query is part of the cache key",
                        fresh().path("?test=a"),
                        get().path("?test=b").notCached()),
                optimal("query-args-same", "the same query is the same key",
                        fresh().path("?test=a"),
                        get().path("?test=a").cached()),
                optimal("other-set-cookie", "a response with Set-Cookie is stored (store_set_cookie: true)",
                        fresh().reply("Set-Cookie", "a=b"),
                        get().cached().expectHeader("Set-Cookie", "a=b")),
                optimal("other-cookie", "a request Cookie does not bypass the cache",
                        fresh(),
                        get().header("Cookie", "a=b").cached()),
                optimal("method-POST", "a POST response with Content-Location of its own URI answers a later GET",
                        method("POST").body("12345").reply("Expires", 30 * 86400)
                                .reply("Content-Location", ScriptedOrigin.BASE).reply("Date", 0).setup().pause(3),
                        get().cached()));
    }

    /** RFC 9110 §15.2. */
    static List<CacheCase> interim() {
        return List.of(
                required("interim-not-cached", "a 103 is relayed, the final response stored, the 103 not",
                        get().interim(103, "Link", LINK).reply("Cache-Control", "max-age=100000").reply("Date", 0)
                                .expectInterim(103, "Link").pause(3),
                        get().cached().expectNoInterim()),
                optimal("interim-102", "a 102 is relayed",
                        get().interim(102).reply("Cache-Control", "max-age=100000").reply("Date", 0)
                                .expectInterim(102).pause(3),
                        get().cached().expectNoInterim()),
                optimal("interim-103", "a 103 is relayed with its fields",
                        get().interim(103, "Link", LINK, "X-My-Header", "test")
                                .reply("Cache-Control", "max-age=100000").reply("Date", 0)
                                .expectInterim(103, "Link", "X-My-Header").pause(3),
                        get().cached().expectNoInterim()),
                optimal("interim-no-header-reuse", "a 103's fields are not merged into the final response",
                        get().interim(103, "X-My-Header", "test").reply("Cache-Control", "max-age=100000")
                                .reply("Date", 0).expectMissing("X-My-Header").pause(3),
                        get().cached().expectMissing("X-My-Header")));
    }
}
