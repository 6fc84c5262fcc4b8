package dev.ferry.cache;

import static dev.ferry.cache.CacheCase.check;
import static dev.ferry.cache.CacheCase.optimal;
import static dev.ferry.cache.CacheCase.required;
import static dev.ferry.cache.CacheCase.Step.fresh;
import static dev.ferry.cache.CacheCase.Step.get;
import static dev.ferry.cache.CacheCase.Step.stale;

import java.util.ArrayList;
import java.util.List;

/**
 * Status codes: heuristic freshness only for heuristically cacheable ones (RFC 9111 §4.2.2,
 * RFC 9110 §15.1), any final status stored with explicit freshness and never reused stale (§3,
 * §4.2), unknown codes passed through with their reason phrase, and must-understand (§5.2.2.3);
 * a 204 never with Content-Length (RFC 9110 §8.6).
 */
final class StatusCases {

    /** Every status the suite stores: 2xx, 3xx (not followed), 4xx, 5xx and unknown ones. */
    private static final int[] STORED = {200, 203, 204, 299, 301, 302, 303, 307, 308, 400, 404, 410, 499, 500, 502,
        503, 504, 599};

    private StatusCases() {
    }

    /** A 15-character body naming the status, so a reused response is recognisable. */
    private static String body(int status) {
        return "status " + status + " body";
    }

    /** The status, and for an unknown one the reason phrase "Whatever", which must reach the client unchanged. */
    private static CacheCase.Step withStatus(CacheCase.Step step, int status) {
        boolean unknown = status == 299 || status == 499 || status == 599;
        return unknown ? step.status(status, "Whatever").expectReason("Whatever") : step.status(status);
    }

    /** §4.2.2: Last-Modified gives heuristic freshness to some statuses only. */
    static List<CacheCase> heuristics() {
        List<CacheCase> cases = new ArrayList<>();
        for (int status : new int[] {201, 202, 403, 502, 503, 504, 599}) {
            cases.add(required("heuristic-" + status + "-not_cached", "no heuristic freshness for a " + status,
                    heuristic(status, false).setup(),
                    withStatus(get(), status).replyBody(body(status)).notCached()));
        }
        for (int status : new int[] {200, 203, 204, 404, 405, 410, 414, 501}) {
            cases.add(optimal("heuristic-" + status + "-cached", "heuristic freshness for a " + status,
                    heuristic(status, false).setup(),
                    withStatus(get(), status).replyBody(body(status)).cached()));
        }
        cases.add(optimal("heuristic-599-cached", "public gives an unknown status heuristic freshness",
                heuristic(599, true).setup(),
                withStatus(get(), 599).replyBody(body(599)).cached()));
        for (int delta : new int[] {5, 60, 3600, 86400}) {
            cases.add(check("heuristic-delta-" + delta, "Last-Modified " + delta + " s ago: still fresh 3 s later",
                    get().reply("Last-Modified", -delta).reply("Date", 0).setup().pause(3),
                    get().cached()));
        }
        return cases;
    }

    private static CacheCase.Step heuristic(int status, boolean isPublic) {
        CacheCase.Step step = withStatus(get(), status).reply("Last-Modified", -86400).reply("Date", 0)
                .replyBody(body(status));
        return isPublic ? step.reply("Cache-Control", "public") : step;
    }

    /** §3 and §4.2: any final status may be stored while fresh; none is reused once stale. */
    static List<CacheCase> statusCodes() {
        List<CacheCase> cases = new ArrayList<>();
        for (int status : STORED) {
            cases.add(required("status-" + status + "-stale", "a stale " + status + " is not reused",
                    withStatus(stale(), status).replyBody(body(status)),
                    get().replyBody(body(200)).notCached()));
        }
        cases.add(required("status-599-must-understand", "must-understand with an unknown status: not stored",
                withStatus(get(), 599).reply("Cache-Control", "max-age=3600, no-store, must-understand")
                        .replyBody(body(599)).setup(),
                get().notCached()));
        for (int status : STORED) {
            cases.add(optimal("status-" + status + "-fresh", "a fresh " + status + " is reused",
                    withStatus(fresh(), status).replyBody(body(status)),
                    withStatus(get(), status).replyBody(body(status)).cached()));
        }
        cases.add(required("ferry-204-no-content-length", "a 204, forwarded or from the cache, has no Content-Length",
                fresh().status(204).expectMissing("Content-Length"),
                get().status(204).cached().expectMissing("Content-Length")));
        cases.add(optimal("status-200-must-understand", "must-understand with a known status overrides no-store",
                get().reply("Cache-Control", "max-age=3600, no-store, must-understand").setup(),
                get().cached()));
        return cases;
    }
}
