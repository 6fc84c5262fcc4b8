package dev.ferry.cache;

import static org.assertj.core.api.Assertions.assertThat;

import io.netty.buffer.Unpooled;
import io.netty.handler.codec.http.DefaultHttpHeaders;
import io.netty.handler.codec.http.HttpHeaders;
import io.netty.handler.codec.http.HttpResponseStatus;
import java.nio.charset.StandardCharsets;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** The shared tier's binary format: what goes in comes out, and anything else is refused. */
class EntryCodecTest {

    private static StoredResponse sample() {
        HttpHeaders headers = new DefaultHttpHeaders().add("Content-Type", "text/plain").add("ETag", "\"v1\"")
                .add("Cache-Control", "max-age=60, stale-if-error=30").add("X-Multi", "a").add("X-Multi", "b");
        return new StoredResponse("http://example.test/a?b=1", new HttpResponseStatus(299, "Whatever"), headers,
                Unpooled.copiedBuffer("hello, shared world", StandardCharsets.UTF_8), 1_000, 1_100, 900, 5, 60_000,
                CacheControl.parse("max-age=60, stale-if-error=30, no-cache=\"Set-Cookie\""),
                Map.of("accept-encoding", "gzip"), List.of("news", "front"), new StoredResponse.Flags());
    }

    @Test
    void everythingRfc9111NeedsSurvivesTheRoundTrip() {
        StoredResponse original = sample();

        StoredResponse decoded = EntryCodec.decode(EntryCodec.encode(original));

        assertThat(decoded).isNotNull();
        assertThat(decoded.key()).isEqualTo(original.key());
        assertThat(decoded.responseStatus().code()).isEqualTo(299);
        assertThat(decoded.responseStatus().reasonPhrase()).isEqualTo("Whatever");
        assertThat(decoded.headers().getAll("X-Multi")).containsExactly("a", "b");
        assertThat(decoded.headers().get("etag")).isEqualTo("\"v1\"");
        assertThat(decoded.body().toString(StandardCharsets.UTF_8)).isEqualTo("hello, shared world");
        assertThat(List.of(decoded.requestTime(), decoded.responseTime(), decoded.dateValue(), decoded.ageValue(),
                decoded.lifetime())).containsExactly(1_000L, 1_100L, 900L, 5L, 60_000L);
        assertThat(decoded.directives().seconds("stale-if-error")).isEqualTo(30);
        assertThat(decoded.directives().fieldNames("no-cache")).containsExactly("set-cookie");
        assertThat(decoded.varyValues()).containsExactly(Map.entry("accept-encoding", "gzip"));
        assertThat(decoded.tags()).containsExactly("news", "front");
    }

    @Test
    void anotherVersionATruncatedEntryOrAFlippedBitIsRefused() {
        byte[] encoded = EntryCodec.encode(sample());
        byte[] otherVersion = encoded.clone();
        otherVersion[3]++;
        byte[] flipped = encoded.clone();
        flipped[encoded.length - 10] ^= 1;

        assertThat(EntryCodec.decode(otherVersion)).isNull();
        assertThat(EntryCodec.decode(Arrays.copyOf(encoded, encoded.length - 1))).isNull();
        assertThat(EntryCodec.decode(flipped)).isNull();
        assertThat(EntryCodec.decode(new byte[0])).isNull();
        assertThat(EntryCodec.decode("not an entry".getBytes(StandardCharsets.UTF_8))).isNull();
    }
}
