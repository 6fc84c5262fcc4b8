package dev.ferry.config;

import dev.ferry.config.RateLimitConfig.Key;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Optional;

/** Binds one entry of {@code rate_limits}. */
final class RateLimitBinder {

    static final List<String> KEYS = List.of("key", "rate", "burst", "shared", "on_redis_failure");
    static final String KEY_FORMS = "client_ip, header:NAME or route (or a list of them)";

    private RateLimitBinder() {
    }

    static Optional<RateLimitConfig> bind(Section.Field field) {
        boolean goodName = true;
        try {
            Names.name(field.key());
        } catch (BadValue e) {
            field.keyError(e.getMessage());
            goodName = false;
        }
        Optional<Section> section = field.value().section(KEYS);
        if (section.isEmpty() || !goodName) {
            return Optional.empty();
        }
        Section s = section.get();
        Optional<List<Key>> keys = s.required("key", RateLimitBinder::keys);
        Optional<long[]> rate = s.required("rate", v -> v.parsed("a rate such as 100/s", RateLimitBinder::rate));
        long defaultBurst = rate.map(r -> r[0]).orElse(1L);
        long burst = s.optional("burst", v -> v.integer(1, Integer.MAX_VALUE).map(Integer::longValue), defaultBurst);
        boolean shared = s.optional("shared", Value::bool, false);
        String onFailure = s.optional("on_redis_failure", v -> v.parsed("open or closed", RateLimitBinder::failure), "open");
        if (keys.isEmpty() || rate.isEmpty()) {
            return Optional.empty();
        }
        return Optional.of(new RateLimitConfig(field.key(), keys.get(), rate.get()[0], Duration.ofNanos(rate.get()[1]),
                burst, shared, onFailure.equals("closed")));
    }

    private static Optional<List<Key>> keys(Value value) {
        if (value.isScalar()) {
            return value.parsed(KEY_FORMS, RateLimitBinder::key).map(List::of);
        }
        return value.listOf(item -> item.parsed(KEY_FORMS, RateLimitBinder::key)).filter(list -> {
            if (list.isEmpty()) {
                value.error("must name at least one key: " + KEY_FORMS);
                return false;
            }
            return true;
        });
    }

    static Key key(String text) {
        if (text.equals("client_ip")) {
            return new Key(Key.Source.CLIENT_IP, "");
        }
        if (text.equals("route")) {
            return new Key(Key.Source.ROUTE, "");
        }
        if (text.startsWith("header:") && text.length() > 7) {
            return new Key(Key.Source.HEADER, Names.token(text.substring(7), "header name").toLowerCase(Locale.ROOT));
        }
        throw new BadValue("'" + text + "' is not a rate limit key; expected " + KEY_FORMS);
    }

    /** {@code 100/s}, {@code 6000/m}, {@code 10/h}, {@code 5/10s}: {count, period in ns}. */
    static long[] rate(String text) {
        int slash = text.indexOf('/');
        if (slash <= 0) {
            throw new BadValue("'" + text + "' is not a rate; expected e.g. 100/s, 6000/m or 5/10s");
        }
        long count;
        try {
            count = Long.parseLong(text.substring(0, slash).trim());
        } catch (NumberFormatException e) {
            throw new BadValue("'" + text + "' is not a rate; expected e.g. 100/s, 6000/m or 5/10s");
        }
        String unit = text.substring(slash + 1).trim();
        Duration period = switch (unit) {
            case "s" -> Duration.ofSeconds(1);
            case "m" -> Duration.ofMinutes(1);
            case "h" -> Duration.ofHours(1);
            case "d" -> Duration.ofDays(1);
            default -> Durations.parse(unit);
        };
        if (count < 1 || period.isZero() || period.toNanos() / count < 1) {
            throw new BadValue("'" + text + "' must allow at least 1 request per period and at most 1 per ns");
        }
        return new long[] {count, period.toNanos()};
    }

    private static String failure(String text) {
        if (!text.equals("open") && !text.equals("closed")) {
            throw new BadValue("'" + text + "' must be open (fall back to local limits) or closed (refuse)");
        }
        return text;
    }

    /** For error messages listing several keys. */
    static List<String> describe(List<Key> keys) {
        List<String> names = new ArrayList<>();
        keys.forEach(k -> names.add(k.toString()));
        return names;
    }
}
