package dev.ferry.cache;

import static org.junit.jupiter.api.Assertions.fail;

import dev.ferry.cache.CacheCase.Kind;
import dev.ferry.testing.MutableClock;
import dev.ferry.testing.TestFerry;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.stream.Stream;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.DynamicTest;
import org.junit.jupiter.api.TestFactory;
import org.opentest4j.TestAbortedException;

/**
 * Ferry's HTTP cache against the behaviours the public conformance suite (cache-tests.fyi) scores,
 * written as our own cases, one table per area of RFC 9111 (and RFC 5861, 9110 §14, 9213). Ferry
 * runs as a caching reverse proxy in front of a {@link ScriptedOrigin}; both read one
 * {@link MutableClock}, so pauses cost nothing.
 *
 * <p>A REQUIRED or OPTIMAL case that fails makes its test fail, unless {@link KnownFailures} lists
 * it (a Ferry bug, diagnosed there, or an optional behaviour Ferry does not offer): then it is
 * reported as skipped with the reason, and a listed case that starts passing fails, so the lists
 * stay true. CHECK cases (choices the standard leaves open) never fail; their answers are in the
 * summary printed at the end, with the number of cases passing by kind, the suite's own apart from
 * ours (ids starting {@code ferry-}).
 */
class CacheConformanceTest {

    private static MutableClock clock;
    private static ScriptedOrigin origin;
    private static TestFerry ferry;
    private static CaseRunner runner;
    /** "suite REQUIRED" and the like: passed, known bug, not implemented, total. */
    private static final Map<String, int[]> tally = new TreeMap<>();
    private static final Map<String, String> notPassing = new TreeMap<>();
    private static final List<String> checkAnswers = new ArrayList<>();

    @BeforeAll
    static void start() throws Exception {
        clock = new MutableClock(Instant.parse("2026-03-01T08:00:00Z"));
        origin = ScriptedOrigin.start(clock);
        ferry = TestFerry.start("""
                listeners:
                  - name: edge
                    bind: 127.0.0.1:0
                    routes:
                      - name: defaults
                        match: { path_prefix: /d/ }
                        upstream: origin
                        cache: defaults
                      - name: conformance
                        upstream: origin
                        cache: conformance
                upstreams:
                  origin:
                    servers: [ "127.0.0.1:%d" ]
                caches:
                  conformance: { store_set_cookie: true }
                  defaults: {}
                """.formatted(origin.port()), clock);
        runner = new CaseRunner(clock, origin, ferry.port("edge"));
    }

    @AfterAll
    static void stop() throws Exception {
        if (ferry != null) {
            ferry.close();
        }
        if (origin != null) {
            origin.close();
        }
        StringBuilder summary = new StringBuilder("\nCache conformance summary (passed / known bug / not implemented"
                + " / all)\n");
        tally.forEach((group, counts) -> summary.append(String.format("  %-15s %3d / %d / %d / %3d%n", group,
                counts[0], counts[1], counts[2], counts[3])));
        notPassing.forEach((id, why) -> summary.append("  not passing: ").append(id).append(": ").append(why)
                .append('\n'));
        checkAnswers.forEach(answer -> summary.append("  check: ").append(answer).append('\n'));
        System.out.print(summary);
    }

    @TestFactory
    @DisplayName("RFC 9111 §4.2.1 freshness lifetime: max-age, s-maxage, Expires")
    Stream<DynamicTest> rfc9111_4_2_1_freshnessLifetime() {
        return tests(FreshnessCases.lifetime());
    }

    @TestFactory
    @DisplayName("RFC 9111 §5.2 Cache-Control parsing, §1.2.2 delta-seconds")
    Stream<DynamicTest> rfc9111_5_2_cacheControlParsing() {
        return tests(FreshnessCases.parsing());
    }

    @TestFactory
    @DisplayName("RFC 9111 §4.2.3 age calculation, §5.1 Age")
    Stream<DynamicTest> rfc9111_5_1_age() {
        return tests(FreshnessCases.age());
    }

    @TestFactory
    @DisplayName("RFC 9111 §5.3 Expires")
    Stream<DynamicTest> rfc9111_5_3_expires() {
        return tests(FreshnessCases.expires());
    }

    @TestFactory
    @DisplayName("RFC 9110 §5.6.7 HTTP-date parsing of Expires")
    Stream<DynamicTest> rfc9110_5_6_7_expiresParsing() {
        return tests(FreshnessCases.expiresParsing());
    }

    @TestFactory
    @DisplayName("RFC 9111 §5.2.2 response directives: private, no-store, no-cache, must-revalidate")
    Stream<DynamicTest> rfc9111_5_2_2_responseDirectives() {
        return tests(DirectiveCases.responseDirectives());
    }

    @TestFactory
    @DisplayName("RFC 9111 §3.5 requests with Authorization")
    Stream<DynamicTest> rfc9111_3_5_authorization() {
        return tests(DirectiveCases.authorization());
    }

    @TestFactory
    @DisplayName("RFC 9111 §5.2.1 request directives, §5.4 Pragma")
    Stream<DynamicTest> rfc9111_5_2_1_requestDirectives() {
        return tests(DirectiveCases.requestDirectives());
    }

    @TestFactory
    @DisplayName("RFC 9111 §4.2.2 heuristic freshness by status code")
    Stream<DynamicTest> rfc9111_4_2_2_heuristics() {
        return tests(StatusCases.heuristics());
    }

    @TestFactory
    @DisplayName("RFC 9111 §3 storing any final status, §5.2.2.3 must-understand")
    Stream<DynamicTest> rfc9111_3_statusCodes() {
        return tests(StatusCases.statusCodes());
    }

    @TestFactory
    @DisplayName("RFC 9111 §4.1 Vary: matching")
    Stream<DynamicTest> rfc9111_4_1_vary() {
        return tests(VaryCases.matching());
    }

    @TestFactory
    @DisplayName("RFC 9111 §4.1 Vary: star in any spelling")
    Stream<DynamicTest> rfc9111_4_1_varyParsing() {
        return tests(VaryCases.parsing());
    }

    @TestFactory
    @DisplayName("RFC 9111 §3.1 storing header fields, RFC 9110 §7.6.1 hop-by-hop")
    Stream<DynamicTest> rfc9111_3_1_storingHeaders() {
        return tests(HeaderCases.storing());
    }

    @TestFactory
    @DisplayName("RFC 9111 §3.2, §4.3.4 updating stored fields from a 304")
    Stream<DynamicTest> rfc9111_4_3_4_update304() {
        return tests(HeaderCases.update304());
    }

    @TestFactory
    @DisplayName("RFC 9111 §4.3.5 HEAD")
    Stream<DynamicTest> rfc9111_4_3_5_head() {
        return tests(HeaderCases.head());
    }

    @TestFactory
    @DisplayName("RFC 9111 §4.3.1-4.3.2 validation with entity tags")
    Stream<DynamicTest> rfc9111_4_3_2_entityTags() {
        return tests(ValidationCases.entityTags());
    }

    @TestFactory
    @DisplayName("RFC 9111 §4.3.1-4.3.2 validation with Last-Modified")
    Stream<DynamicTest> rfc9111_4_3_2_lastModified() {
        return tests(ValidationCases.lastModified());
    }

    @TestFactory
    @DisplayName("RFC 9111 §4.4 invalidation by unsafe methods")
    Stream<DynamicTest> rfc9111_4_4_invalidation() {
        return tests(InvalidationCases.unsafeMethods());
    }

    @TestFactory
    @DisplayName("RFC 9111 §4.2.4 serving stale, RFC 5861 stale-while-revalidate and stale-if-error")
    Stream<DynamicTest> rfc9111_4_2_4_stale() {
        return tests(StaleCases.serving());
    }

    @TestFactory
    @DisplayName("RFC 9213 CDN-Cache-Control")
    Stream<DynamicTest> rfc9213_cdnCacheControl() {
        return tests(CdnCases.targeted());
    }

    @TestFactory
    @DisplayName("RFC 9110 §14 range requests from the cache")
    Stream<DynamicTest> rfc9110_14_ranges() {
        return tests(PartialCases.ranges());
    }

    @TestFactory
    @DisplayName("RFC 9111 §5.1 Age and RFC 9110 §6.6.1 Date on responses from the cache")
    Stream<DynamicTest> rfc9111_5_1_ageAndDate() {
        return tests(OtherCases.ageAndDate());
    }

    @TestFactory
    @DisplayName("RFC 9111 §2 cache key, §4 reusing a POST response")
    Stream<DynamicTest> rfc9111_2_cacheKey() {
        return tests(OtherCases.cacheKey());
    }

    @TestFactory
    @DisplayName("RFC 9110 §15.2 interim responses")
    Stream<DynamicTest> rfc9110_15_2_interim() {
        return tests(OtherCases.interim());
    }

    private static Stream<DynamicTest> tests(List<CacheCase> cases) {
        return cases.stream().map(c -> DynamicTest.dynamicTest(
                "[" + c.kind().name().toLowerCase() + "] " + c.id() + ": " + c.what(), () -> run(c)));
    }

    private static void run(CacheCase testCase) throws Exception {
        List<String> failures = runner.run(testCase);
        boolean passed = failures.isEmpty();
        String details = String.join("\n  ", failures);
        String bug = KnownFailures.BUGS.get(testCase.id());
        String missing = KnownFailures.NOT_IMPLEMENTED.get(testCase.id());
        count(testCase, passed ? 0 : bug != null ? 1 : missing != null ? 2 : -1);
        if (testCase.kind() == Kind.CHECK) {
            synchronized (checkAnswers) {
                checkAnswers.add((passed ? "Y " : "N ") + testCase.id() + (passed ? "" : " (" + details + ")"));
            }
            return;
        }
        if (bug != null || missing != null) {
            if (passed) {
                fail(testCase.id() + " passes now: take it out of KnownFailures");
            }
            String why = bug != null ? "BUG: " + bug : "not implemented: " + missing;
            synchronized (notPassing) {
                notPassing.put(testCase.kind() + " " + testCase.id(), bug != null ? "BUG" : "not implemented");
            }
            throw new TestAbortedException(why + "\n  " + details);
        }
        if (!passed) {
            synchronized (notPassing) {
                notPassing.put(testCase.kind() + " " + testCase.id(), "UNEXPECTED: " + failures.get(0));
            }
            fail(testCase.id() + " (" + testCase.what() + "):\n  " + details);
        }
    }

    private static void count(CacheCase testCase, int column) {
        String group = (testCase.id().startsWith("ferry-") ? "ferry " : "suite ") + testCase.kind();
        synchronized (tally) {
            int[] counts = tally.computeIfAbsent(group, g -> new int[4]);
            if (column >= 0) {
                counts[column]++;
            }
            counts[3]++;
        }
    }
}
