package dev.ferry.cache;

import static dev.ferry.cache.CacheCase.check;
import static dev.ferry.cache.CacheCase.optimal;
import static dev.ferry.cache.CacheCase.required;
import static dev.ferry.cache.CacheCase.Step.becomeStale;
import static dev.ferry.cache.CacheCase.Step.get;

import java.util.List;

/**
 * Freshness: how long a stored response may be used (RFC 9111 §4.2.1), how {@code Cache-Control}
 * is parsed (§5.2, §1.2.2 delta-seconds), how {@code Age} is read and counted (§4.2.3, §5.1), and
 * {@code Expires} (§5.3, RFC 9110 §5.6.7 HTTP-date).
 */
final class FreshnessCases {

    private static final int DAY = 86400;

    private FreshnessCases() {
    }

    /** §4.2.1: max-age, s-maxage (a shared cache's own), Expires, in that order of precedence. */
    static List<CacheCase> lifetime() {
        return List.of(
                required("freshness-max-age-stale", "max-age=2 is stale three seconds later",
                        becomeStale(),
                        get().notCached()),
                required("freshness-max-age-0", "max-age=0 is stale at once",
                        get().reply("Cache-Control", "max-age=0").setup().pause(3),
                        get().notCached()),
                required("freshness-max-age-age", "an Age from upstream counts: max-age=3600 with Age: 7200 is stale",
                        get().reply("Date", 0).reply("Cache-Control", "max-age=3600").reply("Age", "7200").setup()
                                .pause(3),
                        get().notCached()),
                required("freshness-max-age-0-expires", "max-age=0 wins over a future Expires",
                        get().reply("Expires", 3600).reply("Cache-Control", "max-age=0").reply("Date", 0).setup()
                                .pause(3),
                        get().notCached()),
                required("freshness-max-age-negative", "a negative max-age makes the response stale",
                        get().reply("Cache-Control", "max-age=-3600").setup().pause(3),
                        get().notCached()),
                required("freshness-s-maxage-shared", "s-maxage alone makes a response fresh in a shared cache",
                        get().reply("Cache-Control", "s-maxage=3600").setup().pause(3),
                        get().cached()),
                required("freshness-max-age-s-maxage-shared-longer", "s-maxage=1 overrides max-age=3600",
                        get().reply("Cache-Control", "max-age=3600, s-maxage=1").setup().pause(3),
                        get().notCached()),
                required("freshness-max-age-s-maxage-shared-longer-reversed", "s-maxage overrides max-age in any order",
                        get().reply("Cache-Control", "s-maxage=1, max-age=3600").setup().pause(3),
                        get().notCached()),
                required("freshness-max-age-s-maxage-shared-longer-multiple",
                        "directives of several Cache-Control lines count together",
                        get().reply("Cache-Control", "max-age=3600").reply("Cache-Control", "s-maxage=1").setup()
                                .pause(3),
                        get().notCached()),
                optimal("freshness-max-age", "max-age=3600 is reused",
                        get().reply("Cache-Control", "max-age=3600").setup().pause(3),
                        get().cached()),
                optimal("freshness-max-age-max-minus-1", "max-age=2147483647 is reused",
                        get().reply("Cache-Control", "max-age=2147483647").setup().pause(3),
                        get().cached()),
                optimal("freshness-max-age-max", "max-age=2147483648 is reused (no overflow)",
                        get().reply("Cache-Control", "max-age=2147483648").setup().pause(3),
                        get().cached()),
                optimal("freshness-max-age-max-plus-1", "max-age=2147483649 is reused (saturates at 2^31)",
                        get().reply("Cache-Control", "max-age=2147483649").setup().pause(3),
                        get().cached()),
                optimal("freshness-max-age-max-plus", "max-age=99999999999 is reused (saturates at 2^31)",
                        get().reply("Cache-Control", "max-age=99999999999").setup().pause(3),
                        get().cached()),
                optimal("freshness-max-age-expires", "max-age wins over a past Expires",
                        get().reply("Cache-Control", "max-age=3600").reply("Expires", -7200).reply("Date", 0).setup()
                                .pause(3),
                        get().cached()),
                optimal("freshness-max-age-expires-invalid", "max-age wins over an invalid Expires",
                        get().reply("Cache-Control", "max-age=3600").reply("Expires", "0").reply("Date", 0).setup()
                                .pause(3),
                        get().cached()),
                optimal("freshness-max-age-extension", "an unknown directive is ignored",
                        get().reply("Cache-Control", "foobar, max-age=3600").setup().pause(3),
                        get().cached()),
                optimal("freshness-max-age-case-insenstive", "directive names are case-insensitive",
                        get().reply("Cache-Control", "MaX-aGe=3600").setup().pause(3),
                        get().cached()),
                optimal("freshness-max-age-s-maxage-shared-shorter", "s-maxage=3600 overrides max-age=1",
                        get().reply("Cache-Control", "max-age=1, s-maxage=3600").setup().pause(3),
                        get().cached()),
                optimal("freshness-max-age-s-maxage-shared-shorter-expires", "s-maxage overrides max-age=0 and Expires",
                        get().reply("Expires", -10).reply("Cache-Control", "max-age=0, s-maxage=3600").setup()
                                .pause(3),
                        get().cached()),
                check("freshness-none", "a response without freshness or validator is not reused",
                        get().setup().pause(3),
                        get().notCached()),
                check("freshness-max-age-date", "apparent age from an old Date counts",
                        get().reply("Date", -7200).reply("Cache-Control", "max-age=3600").setup().pause(3),
                        get().notCached()));
    }

    /** §5.2 and §1.2.2: quoted-strings, leading zeros, what is not delta-seconds. */
    static List<CacheCase> parsing() {
        return List.of(
                required("freshness-max-age-ignore-quoted", "max-age inside a quoted-string is no directive",
                        get().replyUnverified("Cache-Control", "extension=\"max-age=3600\", max-age=1").setup()
                                .pause(3),
                        get().notCached()),
                required("freshness-max-age-ignore-quoted-rev", "max-age inside a quoted-string is no directive, after",
                        get().replyUnverified("Cache-Control", "max-age=1, extension=\"max-age=3600\"").setup()
                                .pause(3),
                        get().notCached()),
                required("freshness-max-age-leading-zero", "max-age=003600 is 3600",
                        get().replyUnverified("Cache-Control", "max-age=003600").setup().pause(3),
                        get().cached()),
                required("freshness-max-age-single-quoted", "max-age='3600' is not a number",
                        get().replyUnverified("Cache-Control", "max-age='3600'").setup().pause(3),
                        get().notCached()),
                check("freshness-max-age-two-fresh-stale-sameline", "conflicting max-age on one line: stale",
                        get().replyUnverified("Cache-Control", "max-age=1800, max-age=1").setup().pause(3),
                        get().notCached()),
                check("freshness-max-age-two-stale-fresh-sepline", "conflicting max-age on two lines: stale",
                        get().replyUnverified("Cache-Control", "max-age=1").replyUnverified("Cache-Control",
                                "max-age=1800").setup().pause(3),
                        get().notCached()),
                check("freshness-max-age-quoted", "max-age=\"3600\" is accepted (RFC 9111 §5.2 SHOULD)",
                        get().replyUnverified("Cache-Control", "max-age=\"3600\"").setup().pause(3),
                        get().cached()),
                check("freshness-max-age-space-before-equals", "max-age =3600 is not accepted",
                        get().replyUnverified("Cache-Control", "max-age =3600").setup().pause(3),
                        get().notCached()),
                check("freshness-max-age-space-after-equals", "max-age= 3600 is not accepted",
                        get().replyUnverified("Cache-Control", "max-age= 3600").setup().pause(3),
                        get().notCached()),
                check("freshness-max-age-decimal-zero", "max-age=3600.0 is not delta-seconds",
                        get().replyUnverified("Cache-Control", "max-age=3600.0").setup().pause(3),
                        get().notCached()),
                check("freshness-max-age-a100", "max-age=a3600 is not delta-seconds",
                        get().replyUnverified("Cache-Control", "max-age=a3600").setup().pause(3),
                        get().notCached()),
                check("freshness-max-age-100a", "max-age=3600a is not delta-seconds",
                        get().replyUnverified("Cache-Control", "max-age=3600a").setup().pause(3),
                        get().notCached()));
    }

    /** §5.1 and §4.2.3: the first member of the first Age line, digits only, saturating. */
    static List<CacheCase> age() {
        return List.of(
                ageCase("age-parse-nonnumeric", "Age: abc is ignored", true, 3600, "abc"),
                ageCase("age-parse-negative", "Age: -7200 is ignored", true, 3600, "-7200"),
                ageCase("age-parse-float", "Age: 7200.0 is ignored, not read as 7200", true, 3600, "7200.0"),
                ageCase("age-parse-large-minus-one", "Age: 2147483647 makes it stale", false, 3600, "2147483647"),
                ageCase("age-parse-large", "Age: 2147483648 makes it stale (no overflow)", false, 3600, "2147483648"),
                ageCase("age-parse-larger", "Age: 2147483649 makes it stale (saturates)", false, 3600, "2147483649"),
                ageCase("age-parse-suffix", "Age: 7200, 0 counts 7200 (first member)", false, 3600, "7200, 0"),
                ageCase("age-parse-prefix", "Age: 0, 7200 counts 0 (first member)", true, 3600, "0, 7200"),
                ageCase("age-parse-suffix-twoline", "Age lines 7200 then 0 count 7200", false, 3600, "7200", "0"),
                ageCase("age-parse-prefix-twoline", "Age lines 0 then 7200 count 0", true, 3600, "0", "7200"),
                ageCase("age-parse-dup-0", "Age: 0, 0 counts 0", true, 3600, "0, 0"),
                ageCase("age-parse-dup-0-twoline", "two Age: 0 lines count 0", true, 3600, "0", "0"),
                ageCase("age-parse-dup-old", "two Age: 3600 lines with max-age=10000 leave it fresh", true, 10000,
                        "3600", "3600"),
                check("age-parse-parameter", "Age: 7200;foo=bar is not a number (ignored)",
                        get().reply("Date", 0).reply("Cache-Control", "max-age=3600").replyUnverified("Age",
                                "7200;foo=bar").setup().pause(3),
                        get().cached()));
    }

    private static CacheCase ageCase(String id, String what, boolean reused, int maxAge, String... ageLines) {
        CacheCase.Step first = get().reply("Date", 0).reply("Cache-Control", "max-age=" + maxAge);
        for (String line : ageLines) {
            first.replyUnverified("Age", line);
        }
        first.setup().pause(3);
        CacheCase.Step second = reused ? get().cached() : get().notCached();
        return required(id, what, first, second);
    }

    /** §5.3 and §4.2.1: Expires minus Date, stale when Expires is not a valid HTTP-date. */
    static List<CacheCase> expires() {
        return List.of(
                required("freshness-expires-past", "an Expires 30 days past is stale",
                        get().reply("Expires", -30 * DAY).reply("Date", 0).setup().pause(3),
                        get().notCached()),
                required("freshness-expires-present", "Expires equal to Date is stale at once",
                        get().reply("Expires", 0).reply("Date", 0).setup(),
                        get().notCached()),
                required("freshness-expires-old-date", "the lifetime is Expires minus Date, not minus now",
                        get().reply("Expires", 300).reply("Date", 400).setup().pause(3),
                        get().notCached()),
                required("freshness-expires-invalid", "Expires: 0 is already expired",
                        get().reply("Expires", "0").reply("Date", 0).setup().pause(3),
                        get().notCached()),
                required("freshness-expires-age-slow-date", "Age 25 beyond a 20 s lifetime (Date behind) is stale",
                        get().reply("Date", -10).reply("Expires", 10).reply("Age", "25").setup(),
                        get().notCached()),
                required("freshness-expires-age-fast-date", "Age 15 beyond a 10 s lifetime (Date ahead) is stale",
                        get().reply("Date", 10).reply("Expires", 20).reply("Age", "15").setup(),
                        get().notCached()),
                optimal("freshness-expires-future", "an Expires 30 days ahead is reused",
                        get().reply("Expires", 30 * DAY).reply("Date", 0).setup().pause(3),
                        get().cached()),
                optimal("freshness-expires-invalid-date", "an invalid Date is replaced by the time of receipt",
                        get().reply("Date", "foo").reply("Expires", 10).setup(),
                        get().cached()));
    }

    /** RFC 9110 §5.6.7: the three HTTP-date formats, strictly; anything else is already expired. */
    static List<CacheCase> expiresParsing() {
        return List.of(
                expiresCase("freshness-expires-invalid-utc", "UTC is not GMT", 3, "Thu, 18 Aug 2050 02:01:18 UTC"),
                expiresCase("freshness-expires-invalid-aest", "AEST is not GMT", 3, "Thu, 18 Aug 2050 02:01:18 AEST"),
                expiresCase("freshness-expires-invalid-2-digit-year", "IMF-fixdate has a 4-digit year", 3,
                        "Thu, 18 Aug 50 02:01:18 GMT"),
                expiresCase("freshness-expires-invalid-no-comma", "IMF-fixdate has a comma after the day", 3,
                        "Thu 18 Aug 2050 02:01:18 GMT"),
                expiresCase("freshness-expires-invalid-multiple-spaces", "IMF-fixdate has single spaces", 0,
                        "Thu, 18  Aug  2050 02:01:18 GMT"),
                expiresCase("freshness-expires-invalid-date-dashes", "dashes with a short day are no format", 0,
                        "Thu, 18-Aug-2050 02:01:18 GMT"),
                expiresCase("freshness-expires-invalid-time-periods", "the time is separated by colons", 0,
                        "Thu, 18 Aug 2050 02.01.18 GMT"),
                expiresCase("freshness-expires-invalid-1-digit-hour", "the hour has two digits", 0,
                        "Thu, 18 Aug 2050 2:01:18 GMT"),
                required("freshness-expires-invalid-multiple-lines", "several Expires lines are invalid",
                        get().reply("Date", 0).reply("Expires", "Thu, 18 Aug 2050 2:01:18 GMT")
                                .reply("Expires", "Thu, 18 Aug 2050 2:01:19 GMT").setup(),
                        get().notCached()),
                expiresReused("freshness-expires-32bit", "a date past 2^31 epoch seconds",
                        "Tue, 19 Jan 2038 14:14:08 GMT"),
                expiresReused("freshness-expires-far-future", "a date in 2286", "Sun, 21 Nov 2286 04:46:39 GMT"),
                expiresReused("freshness-expires-rfc850", "the RFC 850 format (2-digit year 50 is 2050)",
                        "Thursday, 18-Aug-50 02:01:18 GMT"),
                expiresReused("freshness-expires-ansi-c", "the asctime format", "Thu Aug  8 02:01:18 2050"),
                expiresReused("freshness-expires-wrong-case-weekday", "an upper-case weekday",
                        "THU, 18 Aug 2050 02:01:18 GMT"),
                expiresReused("freshness-expires-wrong-case-month", "an upper-case month",
                        "Thu, 18 AUG 2050 02:01:18 GMT"),
                expiresReused("freshness-expires-wrong-case-tz", "a mixed-case GMT", "Thu, 18 Aug 2050 02:01:18 gMT"));
    }

    private static CacheCase expiresCase(String id, String what, int pause, String expires) {
        return required(id, what + ": Expires '" + expires + "' is already expired",
                get().reply("Date", 0).reply("Expires", expires).setup().pause(pause),
                get().notCached());
    }

    private static CacheCase expiresReused(String id, String what, String expires) {
        return optimal(id, what + ": Expires '" + expires + "' is valid and ahead",
                get().reply("Date", 0).reply("Expires", expires).setup().pause(3),
                get().cached());
    }
}
