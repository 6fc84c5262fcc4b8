package dev.ferry.cache;

import static dev.ferry.cache.CacheCase.optimal;
import static dev.ferry.cache.CacheCase.required;
import static dev.ferry.cache.CacheCase.Step.get;

import java.util.List;

/**
 * Secondary keys (RFC 9111 §4.1): a stored response is used only when every request field its
 * {@code Vary} names matches, absent matching only absent; {@code Vary: *} in any spelling never
 * matches. Only the listed fields count: each request also carries a changing {@code Req-Num}.
 */
final class VaryCases {

    private VaryCases() {
    }

    /** A response varying as given, fresh for 5000 s, to a request with the given fields (name, value, ...). */
    private static CacheCase.Step varied(String vary, String... requestFields) {
        CacheCase.Step step = with(get(), requestFields).reply("Cache-Control", "max-age=5000")
                .reply("Last-Modified", -3000).reply("Date", 0);
        return (vary == null ? step : step.reply("Vary", vary)).setup();
    }

    private static CacheCase.Step with(CacheCase.Step step, String... fields) {
        for (int i = 0; i < fields.length; i += 2) {
            step.header(fields[i], fields[i + 1]);
        }
        return step;
    }

    private static CacheCase.Step request(String... fields) {
        return with(get(), fields);
    }

    static List<CacheCase> matching() {
        return List.of(
                required("vary-no-match", "a different value does not match",
                        varied("Foo", "Foo", "1"),
                        request("Foo", "2").notCached()),
                required("vary-omit-stored", "a present field does not match a stored absent one",
                        varied("Foo"),
                        request("Foo", "1").notCached()),
                required("vary-omit", "an absent field does not match a stored present one",
                        varied("Foo", "Foo", "1"),
                        request().notCached()),
                required("vary-2-no-match", "one of two fields differs",
                        varied("Foo, Bar", "Foo", "1", "Bar", "abc"),
                        request("Foo", "2", "Bar", "abc").notCached()),
                required("vary-2-match-omit", "both of two fields absent",
                        varied("Foo, Bar", "Foo", "1", "Bar", "abc"),
                        request().notCached()),
                required("vary-3-no-match", "one of three fields differs",
                        varied("Foo, Bar, Baz", "Foo", "1", "Bar", "abc", "Baz", "789"),
                        request("Foo", "2", "Bar", "abc", "Baz", "789").notCached()),
                required("vary-3-order", "order does not matter, values do",
                        varied("Foo, Bar, Baz", "Foo", "1", "Bar", "abc", "Baz", "789"),
                        request("Foo", "1", "Baz", "789", "Bar", "abcde").notCached()),
                required("vary-star", "Vary: * never matches",
                        varied("*", "Foo", "1", "Baz", "789"),
                        request("Foo", "1", "Baz", "789").notCached()),
                optimal("vary-match", "the same value matches",
                        varied("Foo", "Foo", "1"),
                        request("Foo", "1").cached()),
                optimal("vary-invalidate", "a second variant does not evict the first",
                        varied("Foo", "Foo", "1").replyBody("foo_1"),
                        varied("Foo", "Foo", "2").replyBody("foo_2").notCached(),
                        request("Foo", "1").cached().expectBody("foo_1")),
                optimal("vary-cache-key", "fields not named in Vary do not matter",
                        varied("Foo", "Foo", "1", "Other", "2"),
                        request("Foo", "1", "Other", "3").cached()),
                optimal("vary-2-match", "two fields match",
                        varied("Foo, Bar", "Foo", "1", "Bar", "abc"),
                        request("Foo", "1", "Bar", "abc").cached()),
                optimal("vary-3-match", "three fields match",
                        varied("Foo, Bar, Baz", "Foo", "1", "Bar", "abc", "Baz", "789"),
                        request("Foo", "1", "Bar", "abc", "Baz", "789").cached()),
                optimal("vary-3-omit", "absent matches absent",
                        varied("Foo, Bar, Baz", "Foo", "1", "Baz", "789"),
                        request("Foo", "1", "Baz", "789").cached()),
                optimal("vary-normalise-combine", "field lines are combined before comparing",
                        varied("Foo", "Foo", "1, 2"),
                        request("Foo", "1", "Foo", "2").cached()),
                optimal("vary-normalise-space", "whitespace around commas does not matter",
                        varied("Foo", "Foo", "1,2"),
                        request("Foo", " 1, 2 ").cached()),
                optimal("vary-normalise-lang-order", "Accept-Language in another order",
                        varied("Accept-Language", "Accept-Language", "en, de"),
                        request("Accept-Language", "de, en").cached()),
                optimal("vary-normalise-lang-case", "Accept-Language in another case",
                        varied("Accept-Language", "Accept-Language", "en, de"),
                        request("Accept-Language", "eN, De").cached()),
                optimal("vary-normalise-lang-space", "Accept-Language with other spacing",
                        varied("Accept-Language", "Accept-Language", "en, de"),
                        request("Accept-Language", " en ,   de").cached()),
                optimal("vary-normalise-lang-select", "Accept-Language selecting the stored Content-Language",
                        varied("Accept-Language", "Accept-Language", "en, de").reply("Content-Language", "de"),
                        request("Accept-Language", "fr;q=0.5, de;q=1.0").cached()));
    }

    /** Every spelling of a star in Vary. */
    static List<CacheCase> parsing() {
        return List.of(
                star("vary-syntax-star", "*"),
                star("vary-syntax-star-star", "*, *"),
                star("vary-syntax-star-star-lines", "*", "*"),
                star("vary-syntax-empty-star", ", *"),
                star("vary-syntax-empty-star-lines", "", "*"),
                star("vary-syntax-star-foo", "*, Foo"),
                star("vary-syntax-foo-star", "Foo, *"));
    }

    private static CacheCase star(String id, String... varyLines) {
        CacheCase.Step first = varied(null, "Foo", "1", "Baz", "789");
        for (String line : varyLines) {
            first.reply("Vary", line);
        }
        return required(id, "Vary lines " + List.of(varyLines) + " never match",
                first,
                request("Foo", "1", "Baz", "789").notCached());
    }
}
