package dev.ferry.demo;

import com.fasterxml.jackson.core.JsonFactory;
import com.fasterxml.jackson.core.JsonGenerator;
import io.netty.buffer.ByteBuf;
import io.netty.buffer.ByteBufOutputStream;
import io.netty.buffer.Unpooled;
import java.io.IOException;
import java.io.OutputStream;
import java.io.UncheckedIOException;
import java.net.InetSocketAddress;
import java.util.List;
import java.util.Map;

/** The body of {@code /echo}: the request as the origin saw it, for tests to compare with what they sent. */
final class EchoJson {

    private static final JsonFactory JSON = new JsonFactory();

    private EchoJson() {
    }

    static ByteBuf of(RecordedRequest request, String origin) {
        ByteBuf out = Unpooled.buffer(512);
        try (JsonGenerator json = JSON.createGenerator((OutputStream) new ByteBufOutputStream(out))) {
            json.writeStartObject();
            json.writeStringField("method", request.method());
            json.writeStringField("uri", request.uri());
            json.writeStringField("protocol", request.protocol());
            json.writeObjectFieldStart("headers");
            for (Map.Entry<String, List<String>> header : request.headers().entrySet()) {
                json.writeArrayFieldStart(header.getKey());
                for (String value : header.getValue()) {
                    json.writeString(value);
                }
                json.writeEndArray();
            }
            json.writeEndObject();
            json.writeNumberField("bodyLength", request.bodyLength());
            json.writeStringField("bodySha256", request.bodySha256());
            json.writeStringField("remote", remote(request.remote()));
            json.writeStringField("origin", origin);
            json.writeEndObject();
        } catch (IOException e) {
            out.release();
            throw new UncheckedIOException("writing to memory cannot fail", e);
        }
        return out.writeByte('\n');
    }

    private static String remote(InetSocketAddress remote) {
        return remote == null ? null : remote.getAddress().getHostAddress() + ":" + remote.getPort();
    }
}
