package dev.ferry.cache;

import io.netty.buffer.ByteBuf;
import io.netty.buffer.Unpooled;
import io.netty.handler.codec.http.DefaultHttpHeaders;
import io.netty.handler.codec.http.HttpHeaders;
import io.netty.handler.codec.http.HttpResponseStatus;
import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.DataInputStream;
import java.io.DataOutputStream;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.zip.CRC32C;

/**
 * The binary form of a {@link StoredResponse} in the shared tier: everything RFC 9111 needs to
 * serve it again (status, stored fields, body, the times {@code Age} is computed from, the
 * lifetime, the effective directives, the {@code Vary} values, purge tags).
 *
 * <p>Layout: magic {@code "FRY"}, a format version byte, the fields, then a CRC32C of everything
 * before it. An entry of another version, a truncated one or one with a bad checksum is refused
 * ({@link #decode} returns null): the caller treats it as a miss, never serves it.
 */
final class EntryCodec {

    /** Bumped whenever the layout changes; entries of other versions are misses. */
    static final byte VERSION = 1;
    private static final byte[] MAGIC = {'F', 'R', 'Y'};

    private EntryCodec() {
    }

    static byte[] encode(StoredResponse stored) {
        ByteBuf body = stored.body();
        ByteArrayOutputStream bytes = new ByteArrayOutputStream(body.readableBytes() + 512);
        try (DataOutputStream out = new DataOutputStream(bytes)) {
            out.write(MAGIC);
            out.writeByte(VERSION);
            writeString(out, stored.key());
            out.writeShort(stored.status());
            writeString(out, stored.responseStatus().reasonPhrase());
            out.writeLong(stored.requestTime());
            out.writeLong(stored.responseTime());
            out.writeLong(stored.dateValue());
            out.writeLong(stored.ageValue());
            out.writeLong(stored.lifetime());
            List<Map.Entry<String, String>> headers = stored.headers().entries();
            writeMap(out, headers);
            writeMap(out, List.copyOf(stored.directives().asMap().entrySet()));
            writeMap(out, List.copyOf(stored.varyValues().entrySet()));
            out.writeInt(stored.tags().size());
            for (String tag : stored.tags()) {
                writeString(out, tag);
            }
            out.writeInt(body.readableBytes());
            body.getBytes(body.readerIndex(), out, body.readableBytes());
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        CRC32C crc = new CRC32C();
        crc.update(bytes.toByteArray());
        ByteBuffer trailer = ByteBuffer.allocate(4).putInt((int) crc.getValue());
        bytes.writeBytes(trailer.array());
        return bytes.toByteArray();
    }

    /**
     * The entry, its body a heap buffer over {@code bytes} (not copied; garbage-collected, so it
     * needs no release); null when it is not one this version can read.
     */
    static StoredResponse decode(byte[] bytes) {
        if (bytes == null || bytes.length < MAGIC.length + 1 + 4 || bytes[0] != MAGIC[0] || bytes[1] != MAGIC[1]
                || bytes[2] != MAGIC[2] || bytes[3] != VERSION) {
            return null;
        }
        CRC32C crc = new CRC32C();
        crc.update(bytes, 0, bytes.length - 4);
        if ((int) crc.getValue() != ByteBuffer.wrap(bytes, bytes.length - 4, 4).getInt()) {
            return null;
        }
        try (DataInputStream in = new DataInputStream(new ByteArrayInputStream(bytes, 4, bytes.length - 8))) {
            String key = readString(in);
            int code = in.readUnsignedShort();
            HttpResponseStatus status = new HttpResponseStatus(code, readString(in));
            long requestTime = in.readLong();
            long responseTime = in.readLong();
            long dateValue = in.readLong();
            long ageValue = in.readLong();
            long lifetime = in.readLong();
            HttpHeaders headers = new DefaultHttpHeaders(false);
            readMap(in).forEach(entry -> headers.add(entry.getKey(), entry.getValue()));
            Map<String, String> directives = new LinkedHashMap<>();
            readMap(in).forEach(entry -> directives.put(entry.getKey(), entry.getValue()));
            Map<String, String> varyValues = new LinkedHashMap<>();
            readMap(in).forEach(entry -> varyValues.put(entry.getKey(), entry.getValue()));
            int tagCount = in.readInt();
            List<String> tags = new ArrayList<>(Math.min(tagCount, 64));
            for (int i = 0; i < tagCount; i++) {
                tags.add(readString(in));
            }
            int length = in.readInt();
            if (length < 0 || length != in.available()) {
                return null;
            }
            ByteBuf body = Unpooled.wrappedBuffer(bytes, bytes.length - 4 - length, length);
            return new StoredResponse(key, status, headers, body.asReadOnly(), requestTime, responseTime, dateValue,
                    ageValue, lifetime, CacheControl.of(directives), Map.copyOf(varyValues), List.copyOf(tags),
                    new StoredResponse.Flags());
        } catch (IOException | RuntimeException e) {
            return null;
        }
    }

    /** The hash field an entry is kept under: its Vary values, canonical, so a new copy replaces the old. */
    static byte[] field(Map<String, String> varyValues) {
        StringBuilder field = new StringBuilder();
        varyValues.entrySet().stream().sorted(Map.Entry.comparingByKey())
                .forEach(e -> field.append(e.getKey()).append('=').append(e.getValue() == null ? "\u0000" : e.getValue())
                        .append('\n'));
        return field.toString().getBytes(StandardCharsets.UTF_8);
    }

    private static void writeMap(DataOutputStream out, List<Map.Entry<String, String>> entries) throws IOException {
        out.writeInt(entries.size());
        for (Map.Entry<String, String> entry : entries) {
            writeString(out, entry.getKey());
            writeString(out, entry.getValue());
        }
    }

    private static List<Map.Entry<String, String>> readMap(DataInputStream in) throws IOException {
        int count = in.readInt();
        if (count < 0 || count > in.available()) {
            throw new IOException("bad count");
        }
        List<Map.Entry<String, String>> entries = new ArrayList<>(count);
        for (int i = 0; i < count; i++) {
            entries.add(new java.util.AbstractMap.SimpleEntry<>(readString(in), readString(in)));
        }
        return entries;
    }

    /** A string with its length, -1 for null (a directive without argument). */
    private static void writeString(DataOutputStream out, String value) throws IOException {
        if (value == null) {
            out.writeInt(-1);
            return;
        }
        byte[] utf8 = value.getBytes(StandardCharsets.UTF_8);
        out.writeInt(utf8.length);
        out.write(utf8);
    }

    private static String readString(DataInputStream in) throws IOException {
        int length = in.readInt();
        if (length == -1) {
            return null;
        }
        if (length < 0 || length > in.available()) {
            throw new IOException("bad length");
        }
        return new String(in.readNBytes(length), StandardCharsets.UTF_8);
    }
}
