package dev.ferry.observe;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.entry;

import dev.ferry.testing.JsonText;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** How one {@link AccessRecord} reads as a text line and as a JSON object. */
class AccessLogFormatTest {

    /** 2026-11-24T18:40:01.123Z. */
    private static final long TIME = 1_795_545_601_123L;

    private static AccessRecord record(String target, long durationMicros, String upstream, String cache, String route) {
        return new AccessRecord(TIME, "edge", "10.1.2.3:50312", "GET", target, "HTTP/1.1", 200, 12, 1024,
                durationMicros, upstream, cache, route);
    }

    @Test
    void textHasEveryFieldInOrder() {
        String line = AccessLogFormat.TEXT.render(record("http://a.example/x?y=1", 1_234, "10.0.0.7:8081", "HIT", "api"));
        assertThat(line).isEqualTo("2026-11-24T18:40:01.123Z edge 10.1.2.3:50312 \"GET http://a.example/x?y=1 HTTP/1.1\""
                + " 200 12 1024 1.234ms up=10.0.0.7:8081 cache=HIT route=api");
    }

    @Test
    void textWritesDashesForMissingValues() {
        String line = AccessLogFormat.TEXT.render(record("/", 5, null, null, null));
        assertThat(line).endsWith(" 200 12 1024 0.005ms up=- cache=- route=-");
    }

    @Test
    void durationKeepsThreeDecimalsOfMilliseconds() {
        assertThat(AccessLogFormat.TEXT.render(record("/", 0, null, null, null))).contains(" 0.000ms ");
        assertThat(AccessLogFormat.TEXT.render(record("/", 1_500_020, null, null, null))).contains(" 1500.020ms ");
        assertThat(AccessLogFormat.JSON.render(record("/", 1_500_020, null, null, null)))
                .contains("\"duration_ms\":1500.020");
    }

    @Test
    void jsonHasEveryFieldWithItsType() {
        String line = AccessLogFormat.JSON.render(record("http://a.example/x?y=1", 1_234, "10.0.0.7:8081", "MISS", "api"));
        Map<String, Object> json = JsonText.object(line);
        assertThat(json).containsExactly(
                entry("time", "2026-11-24T18:40:01.123Z"),
                entry("listener", "edge"),
                entry("client", "10.1.2.3:50312"),
                entry("method", "GET"),
                entry("target", "http://a.example/x?y=1"),
                entry("protocol", "HTTP/1.1"),
                entry("status", 200L),
                entry("bytes_in", 12L),
                entry("bytes_out", 1024L),
                entry("duration_ms", 1.234),
                entry("upstream", "10.0.0.7:8081"),
                entry("cache", "MISS"),
                entry("route", "api"));
    }

    @Test
    void jsonWritesNullForMissingValues() {
        Map<String, Object> json = JsonText.object(AccessLogFormat.JSON.render(record("/", 5, null, null, null)));
        assertThat(json).containsEntry("upstream", null).containsEntry("cache", null).containsEntry("route", null);
    }

    @Test
    void jsonEscapesQuotesBackslashesAndControlCharacters() {
        String target = "/a\"b\\c\u0001d\ne\tf\u007f\u00e9";
        String line = AccessLogFormat.JSON.render(record(target, 1, null, null, null));

        // Still one line, and nothing raw that could end the string or the line early.
        assertThat(line).doesNotContain("\n", "\t", "\u0001").contains("\\\"", "\\\\", "\\u0001", "\\n", "\\t");
        assertThat(JsonText.object(line)).containsEntry("target", target);
    }
}
