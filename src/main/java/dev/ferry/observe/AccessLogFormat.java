package dev.ferry.observe;

import com.fasterxml.jackson.core.io.JsonStringEncoder;
import java.time.Instant;

/** Renders an {@link AccessRecord} as one line of text or one JSON object. */
public enum AccessLogFormat {

    /** {@code 2026-11-23T18:40:01.123Z fwd 127.0.0.1:50312 "GET http://a/ HTTP/1.1" 200 0 1234 1.234ms up=... cache=- route=-}. */
    TEXT {
        @Override
        public String render(AccessRecord r) {
            StringBuilder b = new StringBuilder(160);
            b.append(Instant.ofEpochMilli(r.timeMillis())).append(' ')
                    .append(r.listener()).append(' ')
                    .append(r.client()).append(" \"")
                    .append(r.method()).append(' ').append(r.target()).append(' ').append(r.protocol()).append("\" ")
                    .append(r.status()).append(' ')
                    .append(r.bytesIn()).append(' ')
                    .append(r.bytesOut()).append(' ');
            appendMillis(b, r.durationMicros()).append("ms")
                    .append(" up=").append(orDash(r.upstream()))
                    .append(" cache=").append(orDash(r.cacheStatus()))
                    .append(" route=").append(orDash(r.route()));
            return b.toString();
        }
    },

    /** One JSON object per line with the same fields. */
    JSON {
        @Override
        public String render(AccessRecord r) {
            StringBuilder b = new StringBuilder(256);
            b.append("{\"time\":\"").append(Instant.ofEpochMilli(r.timeMillis())).append('"');
            field(b, "listener", r.listener());
            field(b, "client", r.client());
            field(b, "method", r.method());
            field(b, "target", r.target());
            field(b, "protocol", r.protocol());
            b.append(",\"status\":").append(r.status());
            b.append(",\"bytes_in\":").append(r.bytesIn());
            b.append(",\"bytes_out\":").append(r.bytesOut());
            b.append(",\"duration_ms\":");
            appendMillis(b, r.durationMicros());
            field(b, "upstream", r.upstream());
            field(b, "cache", r.cacheStatus());
            field(b, "route", r.route());
            return b.append('}').toString();
        }
    };

    public abstract String render(AccessRecord record);

    private static String orDash(String s) {
        return s == null ? "-" : s;
    }

    private static StringBuilder appendMillis(StringBuilder b, long micros) {
        b.append(micros / 1000).append('.');
        long fraction = micros % 1000;
        if (fraction < 100) {
            b.append('0');
        }
        if (fraction < 10) {
            b.append('0');
        }
        return b.append(fraction);
    }

    private static void field(StringBuilder b, String name, String value) {
        b.append(",\"").append(name).append("\":");
        if (value == null) {
            b.append("null");
        } else {
            b.append('"');
            JsonStringEncoder.getInstance().quoteAsString(value, b);
            b.append('"');
        }
    }
}
