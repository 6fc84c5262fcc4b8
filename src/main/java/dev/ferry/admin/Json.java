package dev.ferry.admin;

import com.fasterxml.jackson.core.JsonFactory;
import com.fasterxml.jackson.core.JsonGenerator;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.UncheckedIOException;

/** JSON documents written with Jackson's streaming generator. */
final class Json {

    static final JsonFactory FACTORY = new JsonFactory();

    /** Writes one document. */
    interface Body {
        void write(JsonGenerator json) throws IOException;
    }

    private Json() {
    }

    static byte[] write(Body body) {
        ByteArrayOutputStream out = new ByteArrayOutputStream(512);
        try (JsonGenerator json = FACTORY.createGenerator(out)) {
            body.write(json);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        out.write('\n');
        return out.toByteArray();
    }

    /** A number, or null when it is not one (a ratio of nothing, a percentile of no requests). */
    static void number(JsonGenerator json, String field, double value) throws IOException {
        if (Double.isNaN(value) || Double.isInfinite(value)) {
            json.writeNullField(field);
        } else {
            json.writeNumberField(field, round(value));
        }
    }

    /** Three decimals are plenty for rates, ratios and milliseconds, and keep answers short. */
    static double round(double value) {
        return Math.round(value * 1000) / 1000.0;
    }
}
