package dev.ferry.cache;

import java.util.Map;

/**
 * Conformance cases Ferry does not pass yet, each with the reason: {@link #BUGS} are defects
 * (diagnosed down to the class and method), {@link #NOT_IMPLEMENTED} optional behaviours Ferry
 * does not offer. {@link CacheConformanceTest} reports these as skipped, and fails a listed case
 * that passes, so the lists never go stale. Ids starting {@code ferry-} are our own cases beyond
 * the public suite.
 */
final class KnownFailures {

    private KnownFailures() {
    }

    static final Map<String, String> BUGS = Map.of();

    static final Map<String, String> NOT_IMPLEMENTED = Map.ofEntries(
            Map.entry("conditional-lm-fresh-no-lm", "deliberate: without Last-Modified, If-Modified-Since is compared"
                    + " with the stored Date (RFC 9111 §4.3.2), which is later than the client's date, so 200 is"
                    + " right; the suite wants 304"),
            Map.entry("method-POST", "POST responses are never stored (reusing them for GET is a MAY, RFC 9111 §4)"),
            Map.entry("partial-store-partial-reuse-partial", "206 responses are not stored (RFC 9111 §3.3 MAY)"),
            Map.entry("partial-store-partial-reuse-partial-byterange", "206 responses are not stored"),
            Map.entry("partial-store-partial-reuse-partial-absent", "206 responses are not stored"),
            Map.entry("partial-store-partial-reuse-partial-suffix", "206 responses are not stored"),
            Map.entry("partial-store-partial-complete", "206 responses are not stored, so none is completed (§3.4)"),
            Map.entry("vary-normalise-lang-order", "Vary values are compared after whitespace normalisation only,"
                    + " without Accept-Language semantics (RFC 9111 §4.1 MAY)"),
            Map.entry("vary-normalise-lang-case", "no Accept-Language normalisation"),
            Map.entry("vary-normalise-lang-select", "no Accept-Language / Content-Language selection"));
}
