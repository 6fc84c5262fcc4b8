package dev.ferry.cache;

import static dev.ferry.cache.CacheCase.check;
import static dev.ferry.cache.CacheCase.optimal;
import static dev.ferry.cache.CacheCase.required;
import static dev.ferry.cache.CacheCase.Step.becomeStale;
import static dev.ferry.cache.CacheCase.Step.fresh;
import static dev.ferry.cache.CacheCase.Step.get;
import static dev.ferry.cache.CacheCase.Step.method;

import java.util.ArrayList;
import java.util.List;

/**
 * Which header fields are stored and replayed (RFC 9111 §3.1: all but hop-by-hop ones, RFC 9110
 * §7.6.1), how a 304 updates them (§3.2, §4.3.4: replace what it carries but Content-Length,
 * keep the rest), and a response with {@code Set-Cookie} under the default configuration.
 */
final class HeaderCases {

    /** A bogus 15-letter value: nothing may interpret it. */
    private static final String BOGUS = "ydkxqvmnbzjwhrf";

    private HeaderCases() {
    }

    /** §3.1: end-to-end fields come back from the cache byte for byte. */
    private static final String[][] KEPT = {
        {"Test-Header", "kwmzdjxqvbnyalr"},
        {"X-Test-Header", "pqfhzmxvwtkcnds"},
        {"Content-Foo", "zhwmkqvbxjtpsly"},
        {"X-Content-Foo", "qmzvxwbkdnhtyrl"},
        {"Cache-Control", "max-age=3600"},
        {"Content-Encoding", BOGUS},
        {"Content-Length", "10"},
        {"Content-Location", "/bar"},
        {"Content-MD5", "rL0Y20zC+Fzt72VPzMSk2A=="},
        {"Content-Range", BOGUS},
        {"Content-Security-Policy", "default-src 'self' cdn.example.com"},
        {"Content-Type", "text/plain;charset=utf-8"},
        {"Clear-Site-Data", "cookies"},
        {"ETag", "\"ghijkl\""},
        {"Expires", "Mon, 11 Jan 2038 11:11:11 GMT"},
        {"Public-Key-Pins", "pin-sha256=\"d6qzRu9zOECb90Uez27xWltNsj0e1Md7GkYYkVoZWmM=\"; max-age=259200"},
        {"Set-Cookie", "a=c"},
        {"Set-Cookie2", "a=c"},
        {"X-Frame-Options", "sameorigin"},
        {"X-XSS-Protection", "1; mode=block"},
    };

    /** RFC 9110 §7.6.1 and proxy-specific fields: never stored. */
    private static final String[] HOP_BY_HOP = {"Connection", "Keep-Alive", "Proxy-Authenticate",
        "Proxy-Authentication-Info", "Proxy-Authorization", "Proxy-Connection", "TE", "Transfer-Encoding", "Upgrade"};

    static List<CacheCase> storing() {
        List<CacheCase> cases = new ArrayList<>();
        cases.add(required("headers-omit-headers-listed-in-Connection",
                "fields named in Connection are neither forwarded nor stored",
                fresh().replyUnverified("Connection", "a, b").replyUnverified("a", "1").replyUnverified("b", "2")
                        .reply("c", "3").expectMissing("a", "b"),
                get().cached().expectHeader("c", "3").expectMissing("a", "b")));
        for (String[] field : KEPT) {
            String name = field[0];
            String value = field[1];
            CacheCase.Step first = get().reply("Date", 0).reply(name, value);
            if (!name.equals("Cache-Control")) {
                first.reply("Cache-Control", "max-age=3600");
            }
            CacheCase.Step second = get().cached().setup().expectHeader(name, value);
            if (name.equals("Content-Length")) {
                // 10 of a 36-byte body: no body can be right. The origin closes the connection so its 26 stray
                // bytes cannot reach a later case (ferry-upstream-overrun-not-reused is about those).
                first.noBodyCheck().closeConnection();
                second.noBodyCheck();
            }
            cases.add(required("headers-store-" + name, name + " is stored and replayed unchanged",
                    first.setup().pause(3), second));
        }
        for (String name : HOP_BY_HOP) {
            CacheCase.Step first = get().reply("Date", 0).replyUnverified(name, BOGUS)
                    .reply("Cache-Control", "max-age=3600").expectMissingValue(name, BOGUS).setup().pause(3);
            cases.add(required("headers-store-" + name, name + " is hop-by-hop: neither forwarded nor replayed",
                    first,
                    get().cached().setup().expectMissing(name)));
        }
        cases.add(required("ferry-upstream-overrun-not-reused",
                "an upstream connection with bytes beyond the response's Content-Length is not used again",
                get().reply("Content-Length", "10").noBodyCheck(),
                get().path("?next").notCached()));
        cases.add(required("ferry-set-cookie-default-not-stored",
                "with store_set_cookie at its default (false), a response with Set-Cookie is not stored",
                fresh().reply("Set-Cookie", "session=abc"),
                get().notCached()).withDefaultCache());
        cases.add(required("ferry-set-cookie-default-others-stored",
                "with store_set_cookie at its default, a response without Set-Cookie is stored",
                fresh(),
                get().cached()).withDefaultCache());
        return cases;
    }

    /** §3.2 and §4.3.4: a 304 replaces the stored fields it carries, except Content-Length. */
    static List<CacheCase> update304() {
        List<CacheCase> cases = new ArrayList<>();
        cases.add(required("304-lm-use-stored-Test-Header", "fields a 304 lacks stay as stored",
                get().reply("Cache-Control", "max-age=2").reply("Last-Modified", "Wed, 01 Jan 2020 00:00:00 GMT")
                        .reply("Date", 0).reply("Test-Header", "kwmzdjxqvbnyalr").setup().pause(3),
                get().lmValidated().reply("Last-Modified", "Wed, 01 Jan 2020 00:00:00 GMT").reply("Date", 0)
                        .expectHeader("Test-Header", "kwmzdjxqvbnyalr")));
        for (String name : new String[] {"Test-Header", "X-Test-Header", "Content-Foo", "X-Content-Foo"}) {
            cases.add(updated(required("304-etag-update-response-" + name,
                    "a 304's " + name + " replaces the stored one"), name, "kwmzdjxqvbnyalr", "pqfhzmxvwtkcnds"));
        }
        cases.add(required("304-etag-update-response-Cache-Control",
                "a 304's Cache-Control replaces the stored one and sets the new lifetime",
                get().reply("Date", 0).reply("Cache-Control", "max-age=1").reply("ETag", "\"abcdefghijklmno\"")
                        .setup().pause(3),
                get().etagValidated().setup().reply("Date", 0).reply("Cache-Control", "max-age=3600")
                        .reply("ETag", "\"abcdefghijklmno\"").expectHeader("Cache-Control", "max-age=3600").pause(3),
                get().cached().expectHeader("Cache-Control", "max-age=3600")));
        cases.add(required("304-etag-update-response-Content-Length", "a 304's Content-Length changes nothing",
                get().reply("Date", 0).reply("Content-Length", "36").reply("Cache-Control", "max-age=2")
                        .reply("ETag", "\"abcdefghijklmno\"").setup().pause(3),
                get().etagValidated().setup().reply("Date", 0).replyUnverified("Content-Length", "10")
                        .reply("Cache-Control", "max-age=2").reply("ETag", "\"abcdefghijklmno\"")
                        .expectHeader("Content-Length", "36"),
                get().cached().setup().expectHeader("Content-Length", "36")));
        cases.add(required("ferry-set-cookie-default-not-stored-from-304",
                "with store_set_cookie at its default, a Set-Cookie arriving on a 304 is not stored",
                get().reply("Cache-Control", "max-age=2").reply("ETag", "\"abcdefghijklmno\"").setup().pause(3),
                get().etagValidated().reply("Cache-Control", "max-age=3600").reply("ETag", "\"abcdefghijklmno\"")
                        .reply("Set-Cookie", "session=for-client-2-only"),
                get().cached().expectMissing("Set-Cookie")).withDefaultCache());
        cases.add(required("ferry-304-no-store-not-kept", "a 304 carrying no-store leaves nothing reusable",
                get().reply("Cache-Control", "max-age=2").reply("ETag", "\"abcdefghijklmno\"").setup().pause(3),
                get().etagValidated().reply("Cache-Control", "no-store, max-age=3600")
                        .reply("ETag", "\"abcdefghijklmno\""),
                get().expectHeader("Client-Request-Count", "3")));
        cases.add(required("ferry-304-private-not-kept", "a 304 carrying private leaves nothing reusable by others",
                get().reply("Cache-Control", "max-age=2").reply("ETag", "\"abcdefghijklmno\"").setup().pause(3),
                get().etagValidated().reply("Cache-Control", "private, max-age=3600")
                        .reply("ETag", "\"abcdefghijklmno\""),
                get().expectHeader("Client-Request-Count", "3")));
        String[][] checked = {
            {"Content-Encoding", BOGUS, "zyxwvutsrqponml"},
            {"Content-Location", "/foo", "/bar"},
            {"Content-MD5", "rL0Y20zC+Fzt72VPzMSk2A==", "N7UdGUp1E+RbVvZSTy1R8g=="},
            {"Content-Range", BOGUS, "zyxwvutsrqponml"},
            {"Content-Security-Policy", "default-src 'self'", "default-src 'self' cdn.example.com"},
            {"Content-Type", "text/plain", "text/plain;charset=utf-8"},
            {"Clear-Site-Data", "cookies", "storage"},
            {"Expires", "Fri, 01 Jan 2038 01:01:01 GMT", "Mon, 11 Jan 2038 11:11:11 GMT"},
            {"Public-Key-Pins", "pin-sha256=\"a\"; max-age=1", "pin-sha256=\"b\"; max-age=1"},
            {"Set-Cookie", "a=b", "a=c"},
            {"Set-Cookie2", "a=b", "a=c"},
            {"X-Frame-Options", "deny", "sameorigin"},
            {"X-XSS-Protection", "1", "1; mode=block"},
        };
        for (String[] field : checked) {
            cases.add(updated(check("304-etag-update-response-" + field[0], "a 304's " + field[0]
                    + " replaces the stored one"), field[0], field[1], field[2]));
        }
        cases.add(check("304-etag-update-response-ETag", "a 304's ETag replaces the stored one",
                get().reply("Date", 0).reply("Cache-Control", "max-age=2").reply("ETag", "\"abcdef\"").setup()
                        .pause(3),
                get().etagValidated().setup().reply("Date", 0).reply("Cache-Control", "max-age=2")
                        .reply("ETag", "\"ghijkl\"").expectHeader("ETag", "\"ghijkl\""),
                get().cached().setup().expectHeader("ETag", "\"ghijkl\"")));
        return cases;
    }

    /** Stored with {@code name: before}, validated by a 304 carrying {@code name: after}, then reused. */
    private static CacheCase updated(CacheCase shell, String name, String before, String after) {
        String etag = "\"abcdefghijklmno\"";
        CacheCase.Step first = get().reply("Date", 0).reply(name, before).reply("Cache-Control", "max-age=2")
                .reply("ETag", etag);
        CacheCase.Step second = get().etagValidated().setup().reply("Date", 0).reply(name, after)
                .reply("Cache-Control", "max-age=2").reply("ETag", etag).expectHeader(name, after);
        return new CacheCase(shell.id(), shell.kind(), shell.what(), List.of(first.setup().pause(3), second,
                get().cached().setup().expectHeader(name, after)), false);
    }

    /** RFC 9111 §4.3.5: a HEAD may be answered from a stored GET and may update it; none of it required. */
    static List<CacheCase> head() {
        return List.of(
                check("head-writethrough", "a HEAD to validate a stale response is sent as HEAD",
                        becomeStale(),
                        method("HEAD").expectOriginMethod("HEAD")),
                check("head-200-retain", "a HEAD answered from storage keeps the stored fields",
                        becomeStale(),
                        method("HEAD").expectHeader("Template-A", "1")),
                check("head-200-freshness-update", "a HEAD's 200 refreshes the stored GET's freshness",
                        becomeStale(),
                        method("HEAD").reply("Cache-Control", "max-age=1000"),
                        get().cached()),
                check("head-200-update", "a HEAD's 200 updates the stored GET's fields",
                        becomeStale(),
                        method("HEAD").reply("Template-A", "2").reply("Cache-Control", "max-age=1000"),
                        get().cached().expectHeader("Template-A", "2")),
                required("ferry-head-validation-keeps-get-body",
                        "a HEAD that validates a stale GET response never leaves a GET without its body",
                        becomeStale(),
                        method("HEAD").reply("Cache-Control", "max-age=1000"),
                        get().expectStatus(200)),
                required("ferry-head-validation-other-etag-drops-get",
                        "a HEAD's 200 with another ETag than the stored GET response's makes GET go to the origin",
                        becomeStale().reply("ETag", "\"abcdef\""),
                        method("HEAD").reply("ETag", "\"ghijkl\"").reply("Cache-Control", "max-age=1000"),
                        get().notCached()),
                required("ferry-head-miss-not-stored", "a HEAD's response is never stored for GET",
                        method("HEAD").reply("Cache-Control", "max-age=3600").setup(),
                        get().notCached()),
                optimal("ferry-head-fresh-hit", "a HEAD is answered from a stored GET, with its fields and no body",
                        fresh(),
                        method("HEAD").cached().expectHeader("Content-Length", "36")));
    }
}
