package dev.ferry.cache;

import static org.awaitility.Awaitility.await;

import dev.ferry.cache.CacheCase.ClientDate;
import dev.ferry.cache.CacheCase.Expect;
import dev.ferry.cache.CacheCase.FieldCheck;
import dev.ferry.cache.CacheCase.Step;
import dev.ferry.testing.MutableClock;
import dev.ferry.testing.RawHttp;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.UUID;

/**
 * Runs a {@link CacheCase} through Ferry in front of a {@link ScriptedOrigin}, the way the
 * conformance suite's client does: every request carries {@code Pragma: foo} and
 * {@code Cache-Control: nothing-to-see-here} (a case's own values are appended), a {@code Req-Num}
 * and a {@code Test-ID}; requests of a case go one after another over one keep-alive connection,
 * and a pause is a move of the shared clock.
 *
 * <p>Returns what went wrong, one line per broken expectation, each naming the request; an empty
 * list is a pass. "Cached" and "not cached" are judged by the origin's request count, as in the
 * suite: a response is from the cache when it was produced for an earlier origin request (its
 * {@code Client-Request-Count} is not this request's number), and not from the cache when it is the
 * origin's answer to this request with every earlier request of the case having reached the
 * origin once. Whatever the origin answered a request reaches the client unchanged, fields a
 * step marks unverified (hop-by-hop ones) and {@code Date} aside; no request may reach the origin
 * twice.
 */
final class CaseRunner {

    private final MutableClock clock;
    private final ScriptedOrigin origin;
    private final int ferryPort;

    CaseRunner(MutableClock clock, ScriptedOrigin origin, int ferryPort) {
        this.clock = clock;
        this.origin = origin;
        this.ferryPort = ferryPort;
    }

    /** A response as the client got it, with the 1xx responses that came before it. */
    private record Received(RawHttp.Response response, List<RawHttp.Response> interim) {
    }

    List<String> run(CacheCase testCase) throws IOException {
        String id = UUID.randomUUID().toString();
        String base = (testCase.defaultCache() ? "/d/" : "/t/") + id;
        List<Step> steps = testCase.steps();
        origin.script(id, steps.stream().map(Step::toReply).toList());
        List<String> failures = new ArrayList<>();
        RawHttp connection = null;
        RawHttp.Response previous = null;
        try {
            for (int i = 1; i <= steps.size(); i++) {
                Step step = steps.get(i - 1);
                if (connection == null) {
                    connection = new RawHttp(ferryPort);
                }
                Received received;
                try {
                    connection.send(request(step, base, id, i, previous));
                    received = read(connection, step.method.equals("HEAD"));
                } catch (IOException e) {
                    failures.add(label(step, i) + "no response: " + e);
                    break;
                }
                if ("close".equalsIgnoreCase(received.response.header("connection"))) {
                    connection.close();
                    connection = null;
                }
                List<String> problems = new ArrayList<>();
                if (step.awaitOrigin > 0) {
                    await().atMost(Duration.ofSeconds(5)).until(() -> origin.seen(id).size() >= step.awaitOrigin);
                }
                judge(step, i, id, received, origin.seen(id), steps, problems);
                for (String problem : problems) {
                    failures.add(label(step, i) + problem);
                }
                previous = received.response;
                clock.advance(Duration.ofSeconds(step.pauseSeconds));
            }
        } finally {
            if (connection != null) {
                connection.close();
            }
        }
        List<Integer> numbers = origin.seen(id).stream().map(ScriptedOrigin.Seen::reqNum).toList();
        if (new HashSet<>(numbers).size() != numbers.size()) {
            failures.add("the origin saw a request more than once (a retry or a stale Req-Num): Req-Nums "
                    + numbers);
        }
        return failures;
    }

    private static String label(Step step, int i) {
        return "request " + i + (step.setup ? " (setup)" : "") + ": ";
    }

    private byte[] request(Step step, String base, String id, int i, RawHttp.Response previous) {
        StringBuilder text = new StringBuilder(step.method).append(' ').append(base).append(step.pathSuffix)
                .append(" HTTP/1.1\r\n");
        text.append("Host: 127.0.0.1:").append(ferryPort).append("\r\n");
        List<String> pragma = new ArrayList<>(List.of("foo"));
        List<String> cacheControl = new ArrayList<>(List.of("nothing-to-see-here"));
        Map<String, List<String>> others = new LinkedHashMap<>();
        for (ScriptedOrigin.Field header : step.requestHeaders) {
            String name = header.name();
            String value = header.value() instanceof ClientDate date ? clientDate(date, previous)
                    : (String) header.value();
            if (name.equalsIgnoreCase("pragma")) {
                pragma.add(value);
            } else if (name.equalsIgnoreCase("cache-control")) {
                cacheControl.add(value);
            } else {
                others.computeIfAbsent(name, n -> new ArrayList<>()).add(value);
            }
        }
        text.append("Pragma: ").append(String.join(", ", pragma)).append("\r\n");
        text.append("Cache-Control: ").append(String.join(", ", cacheControl)).append("\r\n");
        text.append("Test-ID: ").append(id).append("\r\n");
        text.append("Req-Num: ").append(i).append("\r\n");
        text.append("User-Agent: ferry-conformance\r\nAccept: */*\r\n");
        others.forEach((name, values) -> values.forEach(value ->
                text.append(name).append(": ").append(value).append("\r\n")));
        byte[] body = step.requestBody == null ? new byte[0] : step.requestBody.getBytes(StandardCharsets.UTF_8);
        if (step.requestBody != null) {
            text.append("Content-Type: text/plain\r\nContent-Length: ").append(body.length).append("\r\n");
        }
        text.append("\r\n");
        byte[] head = text.toString().getBytes(StandardCharsets.ISO_8859_1);
        byte[] all = new byte[head.length + body.length];
        System.arraycopy(head, 0, all, 0, head.length);
        System.arraycopy(body, 0, all, head.length, body.length);
        return all;
    }

    /** The suite's "magic" dates: relative to the Server-Now of the response the client saw last. */
    private String clientDate(ClientDate date, RawHttp.Response previous) {
        long now = clock.millis();
        if (previous != null && previous.header("server-now") != null) {
            now = Long.parseLong(previous.header("server-now"));
        }
        Instant instant = Instant.ofEpochSecond(Math.floorDiv(now, 1000) + date.offsetSeconds());
        return (date.rfc850() ? ScriptedOrigin.RFC_850 : ScriptedOrigin.IMF_FIXDATE).format(instant);
    }

    private static Received read(RawHttp connection, boolean head) throws IOException {
        List<RawHttp.Response> interim = new ArrayList<>();
        while (true) {
            RawHttp.Response response = connection.read(head);
            if (response.status() >= 200) {
                return new Received(response, interim);
            }
            interim.add(response);
        }
    }

    private static void judge(Step step, int i, String id, Received received, List<ScriptedOrigin.Seen> seen,
                              List<Step> steps, List<String> problems) {
        RawHttp.Response response = received.response;
        ScriptedOrigin.Seen atOrigin = seen.stream().filter(s -> s.reqNum() == i).findFirst().orElse(null);
        String serverCount = response.header("server-request-count");
        String clientCount = response.header("client-request-count");
        judgeSource(step, i, response, atOrigin, seen, serverCount, problems);
        if (!step.anyStatus) {
            int expected = step.expectedStatus != null ? step.expectedStatus
                    : step.expect == Expect.ETAG_VALIDATED || step.expect == Expect.LM_VALIDATED ? 200 : step.status;
            if (response.status() != expected) {
                problems.add("status " + response.status() + ", expected " + expected
                        + (response.status() == 999 ? " (the origin wanted a conditional request)" : ""));
            }
        }
        if (step.expectedReason != null && !response.statusLine().endsWith(" " + step.expectedReason)) {
            problems.add("status line '" + response.statusLine() + "', expected reason " + step.expectedReason);
        }
        judgeBody(step, steps, id, response, clientCount, problems);
        boolean answeredHere = String.valueOf(i).equals(clientCount) && atOrigin != null;
        if (answeredHere) {
            // Whatever the origin said for this request reaches the client unchanged (hop-by-hop fields aside).
            Set<String> checked = new HashSet<>();
            for (ScriptedOrigin.Field field : step.reply) {
                String name = field.name();
                if (name.equalsIgnoreCase("date") || step.unverified.stream().anyMatch(name::equalsIgnoreCase)
                        || !checked.add(name.toLowerCase(Locale.ROOT))) {
                    continue;
                }
                String sent = atOrigin.sent(name);
                String got = response.header(name);
                if (!sent.equals(got)) {
                    problems.add("field " + name + " was not passed on unchanged: sent '" + sent + "', got '"
                            + got + "'");
                }
            }
        }
        for (FieldCheck check : step.expectedHeaders) {
            String got = response.header(check.name());
            if (got == null) {
                problems.add("missing field " + check.name());
            } else if (check.greater()) {
                long value;
                try {
                    value = Long.parseLong(got.trim());
                } catch (NumberFormatException e) {
                    value = Long.MIN_VALUE;
                }
                if (value <= (Long) check.value()) {
                    problems.add("field " + check.name() + ": " + got + ", expected more than " + check.value());
                }
            } else if (check.value() != null) {
                String expected = expectedValue(check.value(), response);
                if (!expected.equals(got)) {
                    problems.add("field " + check.name() + ": '" + got + "', expected '" + expected + "'");
                }
            }
        }
        for (String name : step.missingHeaders) {
            if (response.header(name) != null) {
                problems.add("field " + name + " should be absent, got '" + response.header(name) + "'");
            }
        }
        for (ScriptedOrigin.Field field : step.missingValues) {
            String got = response.header(field.name());
            if (got != null && got.contains((String) field.value())) {
                problems.add("field " + field.name() + " should not carry '" + field.value() + "', got '" + got + "'");
            }
        }
        judgeInterim(step, received.interim, problems);
        judgeOrigin(step, atOrigin, problems);
    }

    private static void judgeSource(Step step, int i, RawHttp.Response response, ScriptedOrigin.Seen atOrigin,
                                    List<ScriptedOrigin.Seen> seen, String serverCount, List<String> problems) {
        switch (step.expect) {
            case CACHED -> {
                // The suite's rule (an earlier origin request produced it), made exact: when an earlier request of
                // the case never reached the origin, the count alone would also pass a response made for this one.
                String clientCount = response.header("client-request-count");
                boolean fromCache = serverCount != null
                        ? Integer.parseInt(serverCount.trim()) < i && !String.valueOf(i).equals(clientCount)
                        : response.status() == 304;
                if (!fromCache) {
                    problems.add("should have been served from the cache, but "
                            + (serverCount == null ? "the response has no Server-Request-Count (status "
                            + response.status() + ")" : "the origin produced it (Server-Request-Count: "
                            + serverCount + ")"));
                }
            }
            case NOT_CACHED -> {
                boolean counted = String.valueOf(i).equals(serverCount);
                boolean inOrder = seen.size() >= i && seen.get(i - 1).reqNum() == i;
                if (!counted || !inOrder) {
                    problems.add("should have gone to the origin as its request " + i + ", but got "
                            + (serverCount == null ? "a response without Server-Request-Count (status "
                            + response.status() + ")" : "Server-Request-Count: " + serverCount)
                            + "; the origin saw Req-Nums " + seen.stream().map(ScriptedOrigin.Seen::reqNum).toList());
                }
            }
            case ETAG_VALIDATED, LM_VALIDATED -> {
                String field = step.expect == Expect.ETAG_VALIDATED ? "If-None-Match" : "If-Modified-Since";
                if (atOrigin == null) {
                    problems.add("should have been validated with " + field + ", but never reached the origin");
                } else if (atOrigin.header(field) == null || atOrigin.answered() != 304) {
                    problems.add("should have been validated with " + field + ", but the origin got "
                            + "If-None-Match: " + atOrigin.header("If-None-Match") + ", If-Modified-Since: "
                            + atOrigin.header("If-Modified-Since") + " and answered " + atOrigin.answered());
                }
            }
            case ANY -> {
            }
        }
    }

    private static void judgeBody(Step step, List<Step> steps, String id, RawHttp.Response response,
                                  String clientCount, List<String> problems) {
        if (!step.checkBody || step.method.equals("HEAD") || response.status() == 204 || response.status() == 304) {
            return;
        }
        String expected = step.expectedBody;
        if (expected == null && clientCount != null && step.expect != Expect.ETAG_VALIDATED
                && step.expect != Expect.LM_VALIDATED) {
            // The body of the origin's answer to the request this response was produced for.
            int producer = Integer.parseInt(clientCount.trim());
            if (producer >= 1 && producer <= steps.size()) {
                String body = steps.get(producer - 1).replyBody;
                expected = body == null ? id : body;
            }
        }
        if (expected != null && !expected.equals(response.bodyText())) {
            problems.add("body '" + abbreviate(response.bodyText()) + "', expected '" + abbreviate(expected) + "'");
        }
    }

    private static void judgeInterim(Step step, List<RawHttp.Response> interim, List<String> problems) {
        if (step.noInterim && !interim.isEmpty()) {
            problems.add("no 1xx expected, got " + interim.stream().map(RawHttp.Response::statusLine).toList());
        }
        for (CacheCase.InterimCheck expected : step.expectedInterim) {
            boolean found = interim.stream().anyMatch(r -> r.status() == expected.status()
                    && expected.fieldNames().stream().allMatch(name -> r.header(name) != null));
            if (!found) {
                problems.add("expected a " + expected.status() + " with " + expected.fieldNames()
                        + " before the response, got " + interim.stream().map(r -> r.statusLine() + " " + r.headers())
                        .toList());
            }
        }
    }

    private static void judgeOrigin(Step step, ScriptedOrigin.Seen atOrigin, List<String> problems) {
        if (step.originHeaders.isEmpty() && step.originMissing.isEmpty() && step.originMethod == null) {
            return;
        }
        if (atOrigin == null) {
            problems.add("the origin never saw this request");
            return;
        }
        for (ScriptedOrigin.Field header : step.originHeaders) {
            String got = atOrigin.header(header.name());
            if (got == null || header.value() != null && !header.value().equals(got)) {
                problems.add("the origin got " + header.name() + ": " + got + ", expected " + header.value());
            }
        }
        for (String name : step.originMissing) {
            if (atOrigin.header(name) != null) {
                problems.add("the origin got " + name + ": " + atOrigin.header(name) + ", expected none");
            }
        }
        if (step.originMethod != null && !step.originMethod.equals(atOrigin.method())) {
            problems.add("the origin got method " + atOrigin.method() + ", expected " + step.originMethod);
        }
    }

    /** An expected field value: literal, or an HTTP-date relative to the response's own Server-Now. */
    private static String expectedValue(Object value, RawHttp.Response response) {
        if (value instanceof Integer offset) {
            String now = response.header("server-now");
            if (now == null) {
                return "(no Server-Now to compute the date from)";
            }
            return ScriptedOrigin.IMF_FIXDATE.format(
                    Instant.ofEpochSecond(Math.floorDiv(Long.parseLong(now.trim()), 1000) + offset));
        }
        return String.valueOf(value);
    }

    private static String abbreviate(String text) {
        return text.length() > 60 ? text.substring(0, 60) + "..." : text;
    }
}
