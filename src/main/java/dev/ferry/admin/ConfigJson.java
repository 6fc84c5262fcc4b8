package dev.ferry.admin;

import com.fasterxml.jackson.core.JsonGenerator;
import java.io.IOException;
import java.lang.reflect.RecordComponent;
import java.time.Duration;
import java.util.Collection;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.regex.Pattern;

/**
 * The running config as JSON, defaults filled in, with secrets replaced by {@code "***"}: the admin
 * token, proxy users' passwords, passwords in URIs ({@code redis://:secret@host}) and any field
 * whose name says it holds a secret. Written from the config records themselves, so fields added
 * later appear without changes here (snake_case, as in the file).
 */
final class ConfigJson {

    static final String REDACTED = "***";
    /** Fields whose values are secrets, whatever record they are in. */
    private static final Pattern SECRET_NAME = Pattern.compile("(?i).*(password|passphrase|secret|token).*");
    /** Maps whose values are secrets: forward-proxy users are name → password. */
    private static final Pattern SECRET_MAP = Pattern.compile("(?i)users|passwords|credentials");
    private static final Pattern URI_PASSWORD = Pattern.compile("(//[^/@:]*:)[^/@]*@");
    private static final Pattern URI_USERINFO_ONLY = Pattern.compile("(//)([^/@:]+)@");

    private ConfigJson() {
    }

    static void write(JsonGenerator json, Object config) throws IOException {
        value(json, "", config);
    }

    private static void value(JsonGenerator json, String name, Object value) throws IOException {
        if (value == null) {
            json.writeNull();
        } else if (value instanceof Optional<?> optional) {
            value(json, name, optional.orElse(null));
        } else if (value instanceof Record record && !writesItself(record)) {
            record(json, record);
        } else if (value instanceof Map<?, ?> map) {
            boolean secretValues = SECRET_MAP.matcher(name).matches();
            json.writeStartObject();
            for (Map.Entry<?, ?> entry : map.entrySet()) {
                json.writeFieldName(String.valueOf(entry.getKey()));
                if (secretValues) {
                    json.writeString(REDACTED);
                } else {
                    value(json, name, entry.getValue());
                }
            }
            json.writeEndObject();
        } else if (value instanceof Collection<?> items) {
            json.writeStartArray();
            for (Object item : items) {
                value(json, name, item);
            }
            json.writeEndArray();
        } else if (value instanceof byte[]) {
            json.writeString(REDACTED);
        } else if (value instanceof Boolean b) {
            json.writeBoolean(b);
        } else if (value instanceof Integer || value instanceof Long || value instanceof Short) {
            json.writeNumber(((Number) value).longValue());
        } else if (value instanceof Number n) {
            json.writeNumber(n.doubleValue());
        } else if (value instanceof Duration d) {
            json.writeString(duration(d));
        } else if (value instanceof Enum<?> e) {
            json.writeString(e.name().toLowerCase(Locale.ROOT));
        } else {
            json.writeString(redactUri(String.valueOf(value)));
        }
    }

    private static void record(JsonGenerator json, Record record) throws IOException {
        json.writeStartObject();
        for (RecordComponent component : record.getClass().getRecordComponents()) {
            String name = snakeCase(component.getName());
            Object value;
            try {
                var accessor = component.getAccessor();
                accessor.setAccessible(true);
                value = accessor.invoke(record);
            } catch (ReflectiveOperationException e) {
                throw new IllegalStateException("cannot read " + component, e);
            }
            json.writeFieldName(name);
            if (SECRET_NAME.matcher(name).matches() && present(value)) {
                json.writeString(REDACTED);
            } else {
                value(json, name, value);
            }
        }
        json.writeEndObject();
    }

    /**
     * A record with its own toString (a host:port, a CIDR, a hash key) reads best as it is written in
     * the file; the generated one ({@code Name[a=1, b=2]}) is replaced by the record's fields.
     */
    private static boolean writesItself(Record record) {
        return !record.toString().startsWith(record.getClass().getSimpleName() + "[");
    }

    private static boolean present(Object value) {
        return value != null && !(value instanceof Optional<?> o && o.isEmpty());
    }

    /** {@code redis://user:secret@host} → {@code redis://user:***@host}; {@code redis://secret@host} → {@code redis://***@host}. */
    static String redactUri(String text) {
        if (!text.contains("://") || !text.contains("@")) {
            return text;
        }
        String redacted = URI_PASSWORD.matcher(text).replaceAll("$1" + REDACTED + "@");
        // Redis reads a lone user-info as the password.
        return URI_USERINFO_ONLY.matcher(redacted).replaceAll("$1" + REDACTED + "@");
    }

    static String snakeCase(String camel) {
        StringBuilder out = new StringBuilder(camel.length() + 4);
        for (int i = 0; i < camel.length(); i++) {
            char c = camel.charAt(i);
            if (Character.isUpperCase(c)) {
                out.append('_').append(Character.toLowerCase(c));
            } else {
                out.append(c);
            }
        }
        return out.toString();
    }

    /** As written in a config file: {@code 250ms}, {@code 5s}, {@code 2m}, {@code 1h}. */
    static String duration(Duration d) {
        long millis = d.toMillis();
        if (millis % 1000 != 0) {
            return millis + "ms";
        }
        long seconds = millis / 1000;
        if (seconds % 60 != 0 || seconds == 0) {
            return seconds + "s";
        }
        long minutes = seconds / 60;
        return minutes % 60 != 0 ? minutes + "m" : minutes / 60 + "h";
    }
}
