package dev.ferry.config;

import dev.ferry.config.HealthConfig.Check;
import dev.ferry.config.HealthConfig.Outlier;
import java.time.Duration;
import java.util.List;
import java.util.Optional;

/** Binds an upstream's {@code health_check}, {@code outlier}, {@code fail_open} and {@code slow_start}. */
final class HealthBinder {

    static final List<String> CHECK_KEYS = List.of("type", "path", "host", "expect", "interval", "timeout", "rise", "fall");
    static final List<String> OUTLIER_KEYS = List.of("consecutive_failures", "ejection", "max_ejected");

    private HealthBinder() {
    }

    static HealthConfig bind(Section upstream) {
        HealthConfig d = HealthConfig.DEFAULT;
        Optional<Check> check = upstream.optional("health_check", HealthBinder::check);
        Optional<Outlier> outlier = upstream.optional("outlier", HealthBinder::outlier);
        boolean failOpen = upstream.optional("fail_open", Value::bool, d.failOpen());
        Duration slowStart = upstream.optional("slow_start", v -> v.duration(false), d.slowStart());
        return new HealthConfig(check, outlier, failOpen, slowStart);
    }

    private static Optional<Check> check(Value value) {
        Check d = Check.DEFAULT;
        return value.section(CHECK_KEYS).flatMap(s -> {
            Check.Type type = s.optional("type", v -> v.oneOf(Check.Type.class), d.type());
            String path = s.optional("path", v -> v.parsed("a path starting with /", HealthBinder::path), d.path());
            Optional<String> host = s.optional("host", v -> v.parsed("a host name", Names::hostHeader));
            int[] expect = s.optional("expect", v -> v.parsed("a status or range such as 200-399",
                    HealthBinder::statusRange), new int[] {d.expectMin(), d.expectMax()});
            Duration interval = s.optional("interval", PolicyBinder::timeout, d.interval());
            Duration timeout = s.optional("timeout", PolicyBinder::timeout, d.timeout());
            int rise = s.optional("rise", v -> v.integer(1, 100), d.rise());
            int fall = s.optional("fall", v -> v.integer(1, 100), d.fall());
            if (timeout.compareTo(interval) > 0) {
                s.get("timeout").ifPresent(v -> v.error("must not be longer than interval (" + interval.toMillis() + "ms)"));
            }
            if (type == Check.Type.TCP) {
                for (String httpOnly : List.of("path", "host", "expect")) {
                    s.get(httpOnly).ifPresent(v -> v.error("is only used with type: http"));
                }
            }
            return Optional.of(new Check(type, path, host, expect[0], expect[1], interval, timeout, rise, fall));
        });
    }

    private static Optional<Outlier> outlier(Value value) {
        Outlier d = Outlier.DEFAULT;
        return value.section(OUTLIER_KEYS).map(s -> new Outlier(
                s.optional("consecutive_failures", v -> v.integer(1, 1000), d.consecutiveFailures()),
                s.optional("ejection", PolicyBinder::timeout, d.ejection()),
                s.optional("max_ejected", Value::percent, d.maxEjectedPercent())));
    }

    static String path(String text) {
        if (!text.startsWith("/") || text.chars().anyMatch(c -> c <= ' ' || c >= 0x7f || c == '#')) {
            throw new BadValue("'" + text + "' is not a request path (it must start with / and have no spaces)");
        }
        return text;
    }

    /** {@code 200}, or {@code 200-399}. */
    static int[] statusRange(String text) {
        String[] parts = text.split("-", -1);
        if (parts.length > 2) {
            throw new BadValue("'" + text + "' is not a status range; expected e.g. 200-399");
        }
        int low = status(parts[0].trim(), text);
        int high = parts.length == 2 ? status(parts[1].trim(), text) : low;
        if (high < low) {
            throw new BadValue("'" + text + "' is an empty range");
        }
        return new int[] {low, high};
    }

    private static int status(String part, String whole) {
        if (part.length() != 3 || !part.chars().allMatch(Character::isDigit)) {
            throw new BadValue("'" + whole + "' is not a status range; expected e.g. 200-399");
        }
        int status = Integer.parseInt(part);
        if (status < 100 || status > 599) {
            throw new BadValue("status " + status + " is not between 100 and 599");
        }
        return status;
    }
}
