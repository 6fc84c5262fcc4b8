package dev.ferry.cache;

import static dev.ferry.cache.CacheCase.check;
import static dev.ferry.cache.CacheCase.optimal;
import static dev.ferry.cache.CacheCase.required;
import static dev.ferry.cache.CacheCase.Step.get;

import java.util.List;

/**
 * {@code CDN-Cache-Control} (RFC 9213): a Structured Field Dictionary (RFC 8941) that, when valid,
 * alone decides what a CDN-class cache does, overriding {@code Cache-Control} and {@code Expires};
 * when invalid it is ignored as a whole. It is always passed on unchanged.
 */
final class CdnCases {

    private static final String CDN = "CDN-Cache-Control";

    private CdnCases() {
    }

    static List<CacheCase> targeted() {
        return List.of(
                required("cdn-max-age-age", "Age counts against CDN-Cache-Control max-age",
                        get().reply("Date", 0).reply(CDN, "max-age=3600").reply("Age", "7200").setup().pause(3),
                        get().notCached()),
                required("cdn-max-age-0", "max-age=0 is stale at once",
                        get().reply(CDN, "max-age=0").setup().pause(3),
                        get().notCached()),
                required("cdn-max-age-0-expires", "max-age=0 wins over a future Expires",
                        get().reply(CDN, "max-age=0").reply("Expires", 10000).reply("Date", 0).setup().pause(3),
                        get().notCached()),
                required("cdn-max-age-long-cc-max-age", "max-age=1 wins over Cache-Control max-age=3600",
                        get().reply("Cache-Control", "max-age=3600").reply(CDN, "max-age=1").setup().pause(3),
                        get().notCached()),
                required("cdn-private", "private is not stored, whatever Cache-Control says",
                        get().reply(CDN, "private").reply("Cache-Control", "max-age=10000").reply("Expires", 10000)
                                .reply("Date", 0).setup(),
                        get().notCached()),
                required("cdn-no-cache", "no-cache is not reused unvalidated, whatever Cache-Control says",
                        get().reply(CDN, "no-cache").reply("Cache-Control", "max-age=10000").reply("Expires", 10000)
                                .reply("Date", 0).setup(),
                        get().notCached()),
                required("cdn-no-store-cc-fresh", "no-store is not stored, whatever Cache-Control says",
                        get().reply("Cache-Control", "max-age=10000").reply(CDN, "no-store").reply("Expires", 10000)
                                .reply("Date", 0).setup().pause(3),
                        get().notCached()),
                required("cdn-fresh-cc-nostore", "max-age is stored even though Cache-Control says no-store",
                        get().reply("Cache-Control", "no-store").reply(CDN, "max-age=10000").setup().pause(3),
                        get().cached()),
                required("cdn-cc-invalid-sh-type-unknown",
                        "an unparseable field is ignored: Cache-Control no-store holds",
                        get().reply(CDN, "max-age=10000, &&&&&").reply("Cache-Control", "no-store").setup().pause(3),
                        get().notCached()),
                required("cdn-cc-invalid-sh-type-wrong", "a string max-age is invalid: Cache-Control no-store holds",
                        get().reply(CDN, "max-age=\"10000\"").reply("Cache-Control", "no-store").setup().pause(3),
                        get().notCached()),
                optimal("cdn-max-age", "max-age=3600 alone is reused",
                        get().reply(CDN, "max-age=3600").setup().pause(3),
                        get().cached()),
                optimal("cdn-max-age-max", "max-age=2147483648 is reused",
                        get().reply(CDN, "max-age=2147483648").setup().pause(3),
                        get().cached()),
                optimal("cdn-max-age-max-plus", "max-age=99999999999 is reused",
                        get().reply(CDN, "max-age=99999999999").setup().pause(3),
                        get().cached()),
                optimal("cdn-max-age-extension", "an unknown member is ignored",
                        get().reply(CDN, "foobar, max-age=3600").setup().pause(3),
                        get().cached()),
                optimal("cdn-max-age-expires", "max-age wins over a past Expires",
                        get().reply(CDN, "max-age=3600").reply("Expires", -10000).reply("Date", 0).setup().pause(3),
                        get().cached()),
                optimal("cdn-max-age-cc-max-age-invalid-expires", "max-age wins over an invalid Expires",
                        get().reply(CDN, "max-age=3600").reply("Cache-Control", "max-age=1").reply("Expires", "0")
                                .setup().pause(3),
                        get().cached()),
                optimal("cdn-max-age-short-cc-max-age", "max-age=3600 wins over Cache-Control max-age=1",
                        get().reply("Cache-Control", "max-age=1").reply(CDN, "max-age=3600").setup().pause(3),
                        get().cached()),
                check("cdn-max-age-space-before-equals", "max-age =100 is no valid dictionary",
                        get().reply("Cache-Control", "max-age=1").reply(CDN, "max-age =100").setup().pause(3),
                        get().notCached()),
                check("cdn-max-age-space-after-equals", "max-age= 100 is no valid dictionary",
                        get().reply("Cache-Control", "max-age=1").reply(CDN, "max-age= 100").setup().pause(3),
                        get().notCached()),
                check("cdn-max-age-case-insensitive", "MaX-aGe=3600 is accepted",
                        get().reply(CDN, "MaX-aGe=3600").setup().pause(3),
                        get().cached()),
                check("cdn-remove-header", "the field is passed on",
                        get().reply(CDN, "foo").expectHeader(CDN, "foo")),
                check("cdn-remove-age-exceed", "a response kept beyond Cache-Control's max-age has an Age",
                        get().reply("Cache-Control", "max-age=1").reply(CDN, "max-age=10000").reply("Date", 0)
                                .setup().pause(3),
                        get().cached().expectHeader("Age")),
                check("cdn-date-update-exceed", "it keeps its original Date",
                        get().reply("Cache-Control", "max-age=1").reply(CDN, "max-age=10000").reply("Date", 0)
                                .setup().pause(3),
                        get().cached().expectHeader("Date", 0)),
                check("cdn-expires-update-exceed", "it keeps its original Expires",
                        get().reply("Cache-Control", "max-age=1").reply(CDN, "max-age=10000").reply("Date", 0)
                                .reply("Expires", 1).setup().pause(3),
                        get().cached().expectHeader("Expires", 1)));
    }
}
