package dev.ferry.admin;

import com.fasterxml.jackson.core.JsonParseException;
import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.core.JsonToken;
import java.io.IOException;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * The body of {@code POST /api/cache/purge}: {@code {"cache": "pages", "url": "http://h/p", "mode": "soft"}}
 * with exactly one of {@code url}, {@code prefix} or {@code tag}; {@code cache} is optional (every
 * cache) and {@code mode} is {@code hard} (removed, the default) or {@code soft} (marked stale).
 */
record PurgeRequest(Optional<String> cache, Kind kind, String value, boolean soft) {

    enum Kind { URL, PREFIX, TAG }

    static final List<String> FIELDS = List.of("cache", "url", "prefix", "tag", "mode");

    /** What is wrong with a body, in words for the client. */
    static final class Invalid extends Exception {
        Invalid(String message) {
            super(message, null, false, false);
        }
    }

    static PurgeRequest parse(byte[] body) throws Invalid {
        Map<String, String> fields = new HashMap<>();
        try (JsonParser parser = Json.FACTORY.createParser(body)) {
            JsonToken first = parser.nextToken();
            if (first == null) {
                throw new Invalid("expected a JSON object such as {\"url\": \"http://example.com/page\"}, got an empty body");
            }
            if (first != JsonToken.START_OBJECT) {
                throw new Invalid("expected a JSON object, got " + describe(first));
            }
            JsonToken token;
            while ((token = parser.nextToken()) == JsonToken.FIELD_NAME) {
                String name = parser.currentName();
                if (!FIELDS.contains(name)) {
                    throw new Invalid("unknown field '" + name + "' (expected: " + String.join(", ", FIELDS) + ")");
                }
                JsonToken value = parser.nextToken();
                if (value != JsonToken.VALUE_STRING) {
                    throw new Invalid("field '" + name + "' must be a string, got " + describe(value));
                }
                if (fields.put(name, parser.getText()) != null) {
                    throw new Invalid("field '" + name + "' appears twice");
                }
            }
            if (parser.nextToken() != null) {
                throw new Invalid("unexpected content after the JSON object");
            }
        } catch (JsonParseException e) {
            throw new Invalid("malformed JSON: " + e.getOriginalMessage() + " at line "
                    + e.getLocation().getLineNr() + ", column " + e.getLocation().getColumnNr());
        } catch (IOException e) {
            throw new Invalid("cannot read the body: " + e.getMessage());
        }
        return of(fields);
    }

    private static PurgeRequest of(Map<String, String> fields) throws Invalid {
        List<Kind> given = java.util.Arrays.stream(Kind.values())
                .filter(k -> fields.containsKey(k.name().toLowerCase(java.util.Locale.ROOT))).toList();
        if (given.size() != 1) {
            throw new Invalid("give exactly one of url, prefix or tag" + (given.isEmpty() ? "" : ", got "
                    + given.stream().map(k -> k.name().toLowerCase(java.util.Locale.ROOT)).toList()));
        }
        Kind kind = given.get(0);
        String value = fields.get(kind.name().toLowerCase(java.util.Locale.ROOT));
        if (value.isEmpty()) {
            throw new Invalid(kind.name().toLowerCase(java.util.Locale.ROOT) + " must not be empty");
        }
        if (kind != Kind.TAG && !(value.startsWith("http://") || value.startsWith("https://"))) {
            throw new Invalid(kind.name().toLowerCase(java.util.Locale.ROOT)
                    + " must be an absolute URL with scheme and host, such as http://example.com/page; got '"
                    + value + "'");
        }
        String mode = fields.getOrDefault("mode", "hard");
        if (!mode.equals("hard") && !mode.equals("soft")) {
            throw new Invalid("mode must be soft or hard, got '" + mode + "'");
        }
        return new PurgeRequest(Optional.ofNullable(fields.get("cache")), kind, value, mode.equals("soft"));
    }

    private static String describe(JsonToken token) {
        if (token == null) {
            return "the end of the body";
        }
        return switch (token) {
            case START_OBJECT -> "an object";
            case START_ARRAY -> "an array";
            case VALUE_NUMBER_INT, VALUE_NUMBER_FLOAT -> "a number";
            case VALUE_TRUE, VALUE_FALSE -> "a boolean";
            case VALUE_NULL -> "null";
            default -> token.asString() == null ? token.name().toLowerCase(java.util.Locale.ROOT) : token.asString();
        };
    }
}
