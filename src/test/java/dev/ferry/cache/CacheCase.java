package dev.ferry.cache;

import java.util.ArrayList;
import java.util.List;

/**
 * One conformance case: a few requests sent in order to a fresh URL through Ferry, what the origin
 * answers each of them, and what the client and the origin must see. Cases are data, written with
 * the {@link Step} builder, and run by {@link CaseRunner}.
 *
 * @param id a stable name (the behaviour, in the conformance suite's vocabulary)
 * @param kind how much the behaviour matters
 * @param what the behaviour, in one sentence
 * @param steps the requests, in order
 * @param defaultCache run against a cache with every option at its default (else {@code store_set_cookie: true})
 */
record CacheCase(String id, Kind kind, String what, List<Step> steps, boolean defaultCache) {

    /**
     * REQUIRED: the standard says MUST (or the suite scores it so); OPTIMAL: SHOULD or MAY, but
     * better; CHECK: a choice the standard leaves open.
     */
    enum Kind { REQUIRED, OPTIMAL, CHECK }

    /** How the response to a step must have been produced. */
    enum Expect {
        /** No judgement. */
        ANY,
        /** From the cache: produced for an earlier origin request (or a 304 made by the cache). */
        CACHED,
        /** By the origin, for exactly this request, every earlier request having reached it once. */
        NOT_CACHED,
        /** The origin saw this request with the stored ETag in If-None-Match (and answered 304). */
        ETAG_VALIDATED,
        /** The origin saw this request with the stored Last-Modified in If-Modified-Since (and answered 304). */
        LM_VALIDATED
    }

    static CacheCase required(String id, String what, Step... steps) {
        return new CacheCase(id, Kind.REQUIRED, what, List.of(steps), false);
    }

    static CacheCase optimal(String id, String what, Step... steps) {
        return new CacheCase(id, Kind.OPTIMAL, what, List.of(steps), false);
    }

    static CacheCase check(String id, String what, Step... steps) {
        return new CacheCase(id, Kind.CHECK, what, List.of(steps), false);
    }

    /** The same case against a cache with default options. */
    CacheCase withDefaultCache() {
        return new CacheCase(id, kind, what, steps, true);
    }

    @Override
    public String toString() {
        return id;
    }

    /** A value the client computes: an HTTP-date this many seconds from the previous response's Server-Now. */
    record ClientDate(int offsetSeconds, boolean rfc850) {
    }

    /** A 1xx the client must have received: its status and field names. */
    record InterimCheck(int status, List<String> fieldNames) {
    }

    /** What to check of a response field. */
    record FieldCheck(String name, Object value, boolean greater) {
    }

    /** One request of a case: what is sent, what the origin answers, what must be seen. Mutable, built once. */
    static final class Step {
        String method = "GET";
        String pathSuffix = "";
        final List<ScriptedOrigin.Field> requestHeaders = new ArrayList<>();
        String requestBody;
        int status = 200;
        String reason;
        final List<ScriptedOrigin.Field> reply = new ArrayList<>();
        final List<String> unverified = new ArrayList<>();
        String replyBody;
        boolean disconnect;
        boolean close;
        boolean omitDate;
        final List<ScriptedOrigin.Interim> interim = new ArrayList<>();
        int pauseSeconds;
        boolean setup;
        Expect expect = Expect.ANY;
        Integer expectedStatus;
        boolean anyStatus;
        String expectedReason;
        String expectedBody;
        boolean checkBody = true;
        final List<FieldCheck> expectedHeaders = new ArrayList<>();
        final List<String> missingHeaders = new ArrayList<>();
        final List<ScriptedOrigin.Field> missingValues = new ArrayList<>();
        final List<ScriptedOrigin.Field> originHeaders = new ArrayList<>();
        final List<String> originMissing = new ArrayList<>();
        String originMethod;
        final List<InterimCheck> expectedInterim = new ArrayList<>();
        boolean noInterim;
        int awaitOrigin;

        /** A GET. */
        static Step get() {
            return new Step();
        }

        static Step method(String method) {
            Step step = new Step();
            step.method = method;
            return step;
        }

        // --- templates shared by many cases ---

        /** Stored fresh for a long time: max-age=100000 and a Date; a setup step followed by a 3 s pause. */
        static Step fresh() {
            return get().reply("Cache-Control", "max-age=100000").reply("Date", 0).setup().pause(3);
        }

        /** Fresh for 2 s, so stale after the 3 s pause that follows. */
        static Step becomeStale() {
            return get().reply("Cache-Control", "max-age=2").reply("Date", 0).reply("Template-A", "1").setup()
                    .pause(3);
        }

        /** Stale on arrival: Expires long past, a Last-Modified far older. */
        static Step stale() {
            return get().reply("Expires", -5000).reply("Last-Modified", -100000).reply("Date", 0).setup().pause(3);
        }

        // --- the request ---

        /** A request field; the client's own {@code Pragma} and {@code Cache-Control} come first, this is appended. */
        Step header(String name, String value) {
            requestHeaders.add(new ScriptedOrigin.Field(name, value));
            return this;
        }

        /** A request field holding an HTTP-date {@code offset} seconds from the previous response's Server-Now. */
        Step headerDate(String name, int offset) {
            requestHeaders.add(new ScriptedOrigin.Field(name, new ClientDate(offset, false)));
            return this;
        }

        /** As {@link #headerDate}, in the obsolete RFC 850 format. */
        Step headerRfc850Date(String name, int offset) {
            requestHeaders.add(new ScriptedOrigin.Field(name, new ClientDate(offset, true)));
            return this;
        }

        Step body(String body) {
            requestBody = body;
            return this;
        }

        /** Appended to the case's URL: {@code /more} or {@code ?query}. */
        Step path(String suffix) {
            pathSuffix = suffix;
            return this;
        }

        // --- what the origin answers ---

        Step status(int code) {
            status = code;
            return this;
        }

        Step status(int code, String phrase) {
            status = code;
            reason = phrase;
            return this;
        }

        /** A response field line: a String, or an Integer (seconds from now, as an HTTP-date). */
        Step reply(String name, Object value) {
            reply.add(new ScriptedOrigin.Field(name, value));
            return this;
        }

        /** A response field line the client does not expect to see unchanged (hop-by-hop, replaced...). */
        Step replyUnverified(String name, Object value) {
            unverified.add(name);
            return reply(name, value);
        }

        Step replyBody(String body) {
            replyBody = body;
            return this;
        }

        /** The origin reads the request, then closes the connection without answering. */
        Step disconnect() {
            disconnect = true;
            return this;
        }

        /** The origin sends no Date (it has no clock). */
        Step noDate() {
            omitDate = true;
            return this;
        }

        /** The origin closes the connection after its answer. */
        Step closeConnection() {
            close = true;
            return this;
        }

        /** The origin sends a 1xx with {@code fields} (name, value, name, value...) before its answer. */
        Step interim(int code, String... fields) {
            List<ScriptedOrigin.Field> list = new ArrayList<>();
            for (int i = 0; i < fields.length; i += 2) {
                list.add(new ScriptedOrigin.Field(fields[i], fields[i + 1]));
            }
            interim.add(new ScriptedOrigin.Interim(code, list));
            return this;
        }

        // --- the client ---

        /** The clock moves this many seconds after the response. */
        Step pause(int seconds) {
            pauseSeconds = seconds;
            return this;
        }

        /** The step prepares the case; its checks still have to hold. */
        Step setup() {
            setup = true;
            return this;
        }

        /** After the response, wait until the origin has seen this many requests of the case (background ones). */
        Step awaitOrigin(int requests) {
            awaitOrigin = requests;
            return this;
        }

        // --- expectations ---

        Step cached() {
            expect = Expect.CACHED;
            return this;
        }

        Step notCached() {
            expect = Expect.NOT_CACHED;
            return this;
        }

        Step etagValidated() {
            expect = Expect.ETAG_VALIDATED;
            return this;
        }

        Step lmValidated() {
            expect = Expect.LM_VALIDATED;
            return this;
        }

        Step expectStatus(int code) {
            expectedStatus = code;
            return this;
        }

        /** The status line ends with this reason phrase. */
        Step expectReason(String phrase) {
            expectedReason = phrase;
            return this;
        }

        Step anyStatus() {
            anyStatus = true;
            return this;
        }

        Step expectBody(String body) {
            expectedBody = body;
            return this;
        }

        Step noBodyCheck() {
            checkBody = false;
            return this;
        }

        /** The response has {@code name}; with a value, exactly it (an Integer: an HTTP-date from its Server-Now). */
        Step expectHeader(String name) {
            expectedHeaders.add(new FieldCheck(name, null, false));
            return this;
        }

        Step expectHeader(String name, Object value) {
            expectedHeaders.add(new FieldCheck(name, value, false));
            return this;
        }

        /** The response has {@code name} with an integer value greater than {@code n}. */
        Step expectHeaderAbove(String name, long n) {
            expectedHeaders.add(new FieldCheck(name, n, true));
            return this;
        }

        Step expectMissing(String... names) {
            missingHeaders.addAll(List.of(names));
            return this;
        }

        /** The response's {@code name} field, if any (the cache may send its own), does not carry {@code value}. */
        Step expectMissingValue(String name, String value) {
            missingValues.add(new ScriptedOrigin.Field(name, value));
            return this;
        }

        /** The origin received this request with the field (and value, when not null). */
        Step expectOriginHeader(String name, String value) {
            originHeaders.add(new ScriptedOrigin.Field(name, value));
            return this;
        }

        Step expectOriginMissing(String name) {
            originMissing.add(name);
            return this;
        }

        Step expectOriginMethod(String name) {
            originMethod = name;
            return this;
        }

        /** The client received a 1xx with this code and these field names before the response. */
        Step expectInterim(int code, String... fieldNames) {
            expectedInterim.add(new InterimCheck(code, List.of(fieldNames)));
            return this;
        }

        Step expectNoInterim() {
            noInterim = true;
            return this;
        }

        /** The origin's answer to this step, as the {@link ScriptedOrigin} wants it. */
        ScriptedOrigin.Reply toReply() {
            boolean validating = expect == Expect.ETAG_VALIDATED || expect == Expect.LM_VALIDATED;
            return new ScriptedOrigin.Reply(status, reason, List.copyOf(reply), replyBody, disconnect, close,
                    omitDate, List.copyOf(interim), validating);
        }
    }
}
