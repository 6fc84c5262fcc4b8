package dev.ferry.testing;

import com.fasterxml.jackson.core.JsonFactory;
import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.core.JsonToken;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * Strict JSON reading for tests, with only jackson-core on the classpath: integers come back as
 * {@code Long}, other numbers as {@code Double}, objects as insertion-ordered maps.
 */
public final class JsonText {

    private static final JsonFactory FACTORY = new JsonFactory();

    private JsonText() {
    }

    /**
     * Parses {@code text}, which must be exactly one JSON object (a line of a JSON-lines file, say).
     *
     * @throws UncheckedIOException when it is not valid JSON, not an object, or has anything after it
     */
    @SuppressWarnings("unchecked")
    public static Map<String, Object> object(String text) {
        try (JsonParser parser = FACTORY.createParser(text)) {
            JsonToken first = parser.nextToken();
            if (first != JsonToken.START_OBJECT) {
                throw new IOException("not a JSON object: " + text);
            }
            Map<String, Object> object = (Map<String, Object>) value(parser, first);
            if (parser.nextToken() != null) {
                throw new IOException("text after the JSON object: " + text);
            }
            return object;
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    private static Object value(JsonParser parser, JsonToken token) throws IOException {
        switch (token) {
            case START_OBJECT: {
                Map<String, Object> object = new LinkedHashMap<>();
                while (parser.nextToken() == JsonToken.FIELD_NAME) {
                    String name = parser.currentName();
                    if (object.containsKey(name)) {
                        throw new IOException("duplicate field " + name);
                    }
                    object.put(name, value(parser, parser.nextToken()));
                }
                return object;
            }
            case START_ARRAY: {
                List<Object> array = new ArrayList<>();
                for (JsonToken next = parser.nextToken(); next != JsonToken.END_ARRAY; next = parser.nextToken()) {
                    array.add(value(parser, next));
                }
                return array;
            }
            case VALUE_STRING:
                return parser.getText();
            case VALUE_NUMBER_INT:
                return parser.getLongValue();
            case VALUE_NUMBER_FLOAT:
                return parser.getDoubleValue();
            case VALUE_NULL:
                return null;
            case VALUE_TRUE:
            case VALUE_FALSE:
                return parser.getBooleanValue();
            default:
                throw new IOException("unexpected " + token);
        }
    }
}
