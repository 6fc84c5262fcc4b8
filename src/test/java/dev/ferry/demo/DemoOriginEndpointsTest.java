package dev.ferry.demo;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpRequest.BodyPublishers;
import java.net.http.HttpResponse;
import java.net.http.HttpResponse.BodyHandlers;
import java.security.MessageDigest;
import java.time.Duration;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;
import org.assertj.core.api.InstanceOfAssertFactories;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

class DemoOriginEndpointsTest {

    private static final String EMPTY_SHA256 = "e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855";

    private static DemoOrigin origin;
    private static HttpClient client;

    @BeforeAll
    static void start() throws InterruptedException {
        origin = DemoOrigin.start(DemoOrigin.Options.defaults().withName("alpha"));
        client = HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1).build();
    }

    @AfterAll
    static void stop() {
        origin.stop();
    }

    @Test
    void healthzAnswersTheSettableStatus() throws Exception {
        assertThat(get("/healthz").statusCode()).isEqualTo(200);
        assertThat(text(get("/healthz"))).isEqualTo("ok\n");
        origin.setHealthStatus(503);
        try {
            assertThat(get("/healthz").statusCode()).isEqualTo(503);
        } finally {
            origin.setHealthStatus(200);
        }
    }

    @Test
    void everyResponseNamesTheOriginAndCarriesALength() throws Exception {
        for (String path : List.of("/healthz", "/small", "/echo", "/status/500", "/nope", "/bytes/3")) {
            HttpResponse<byte[]> response = get(path);
            assertThat(response.headers().firstValue("X-Origin")).as(path).hasValue("alpha");
            assertThat(response.headers().firstValue("Content-Length")).as(path).isPresent();
            assertThat(response.headers().firstValue("Date")).as(path).isPresent();
        }
    }

    @Test
    void echoDescribesTheRequest() throws Exception {
        HttpResponse<byte[]> response = client.send(HttpRequest.newBuilder(uri("/echo?x=1"))
                .header("X-Test", "one")
                .POST(BodyPublishers.ofString("hello"))
                .build(), BodyHandlers.ofByteArray());

        assertThat(response.statusCode()).isEqualTo(200);
        assertThat(response.headers().firstValue("Content-Type")).hasValue("application/json");
        Map<String, Object> echo = Json.object(text(response));
        assertThat(echo).containsEntry("method", "POST")
                .containsEntry("uri", "/echo?x=1")
                .containsEntry("protocol", "HTTP/1.1")
                .containsEntry("bodyLength", 5L)
                .containsEntry("bodySha256", sha256("hello".getBytes()))
                .containsEntry("origin", "alpha");
        assertThat((String) echo.get("remote")).startsWith("127.0.0.1:");
        assertThat(echo.get("headers")).asInstanceOf(InstanceOfAssertFactories.MAP).containsEntry("x-test", List.of("one"));
    }

    @Test
    void echoOfAnEmptyBodyHasTheEmptyDigest() throws Exception {
        Map<String, Object> echo = Json.object(text(get("/echo")));
        assertThat(echo).containsEntry("bodyLength", 0L).containsEntry("bodySha256", EMPTY_SHA256);
    }

    @Test
    void fixedBodiesAreCacheablePatternBytes() throws Exception {
        Map<String, Integer> sizes = Map.of("/small", 1024, "/medium", 16 * 1024, "/large", 1024 * 1024);
        for (Map.Entry<String, Integer> size : sizes.entrySet()) {
            HttpResponse<byte[]> response = get(size.getKey());
            assertThat(response.statusCode()).isEqualTo(200);
            assertThat(response.body()).hasSize(size.getValue());
            assertThat(sha256(response.body())).isEqualTo(DemoOrigin.expectedSha256(size.getValue()));
            assertThat(response.headers().firstValue("Cache-Control")).hasValue("public, max-age=3600");
        }
    }

    @Test
    void bytesAcceptsSizeSuffixes() throws Exception {
        HttpResponse<byte[]> response = get("/bytes/10k");
        assertThat(response.body()).hasSize(10 * 1024);
        assertThat(sha256(response.body())).isEqualTo(DemoOrigin.expectedSha256(10 * 1024));
        assertThat(response.body()[300]).isEqualTo(DemoOrigin.patternByte(300));
        assertThat(get("/bytes/0").body()).isEmpty();
        assertThat(get("/bytes/ten").statusCode()).isEqualTo(400);
    }

    @Test
    void headGetsTheHeadersWithoutTheBody() throws Exception {
        HttpResponse<byte[]> response = client.send(HttpRequest.newBuilder(uri("/bytes/1m"))
                .method("HEAD", BodyPublishers.noBody()).build(), BodyHandlers.ofByteArray());
        assertThat(response.statusCode()).isEqualTo(200);
        assertThat(response.headers().firstValue("Content-Length")).hasValue("1048576");
        assertThat(response.body()).isEmpty();
    }

    @Test
    void statusAnswersTheAskedStatus() throws Exception {
        assertThat(get("/status/418").statusCode()).isEqualTo(418);
        assertThat(text(get("/status/503"))).isEqualTo("status 503\n");
        HttpResponse<byte[]> noContent = get("/status/204");
        assertThat(noContent.statusCode()).isEqualTo(204);
        assertThat(noContent.headers().firstValue("Content-Length")).isEmpty();
        assertThat(noContent.body()).isEmpty();
        assertThat(get("/status/99").statusCode()).isEqualTo(400);
        assertThat(get("/status/600").statusCode()).isEqualTo(400);
    }

    @Test
    void delayWaitsBeforeAnswering() throws Exception {
        long start = System.nanoTime();
        HttpResponse<byte[]> response = get("/delay/150");
        assertThat(Duration.ofNanos(System.nanoTime() - start)).isGreaterThanOrEqualTo(Duration.ofMillis(150));
        assertThat(text(response)).isEqualTo("delayed\n");

        start = System.nanoTime();
        assertThat(get("/small?delay=100").body()).hasSize(1024);
        assertThat(Duration.ofNanos(System.nanoTime() - start)).isGreaterThanOrEqualTo(Duration.ofMillis(100));
    }

    @Test
    void queryParametersShapeTheHeaders() throws Exception {
        HttpResponse<byte[]> response = get("/echo?cache=no-store&vary=Accept-Encoding"
                + "&header=X-One:1&header=X-Two:%20two&lastmod=Tue,%2015%20Nov%201994%2008:12:31%20GMT");
        assertThat(response.headers().firstValue("Cache-Control")).hasValue("no-store");
        assertThat(response.headers().firstValue("Vary")).hasValue("Accept-Encoding");
        assertThat(response.headers().firstValue("X-One")).hasValue("1");
        assertThat(response.headers().firstValue("X-Two")).hasValue("two");
        assertThat(response.headers().firstValue("Last-Modified")).hasValue("Tue, 15 Nov 1994 08:12:31 GMT");
        assertThat(get("/small?cache=private").headers().firstValue("Cache-Control")).hasValue("private");
        assertThat(get("/small?header=nocolon").statusCode()).isEqualTo(400);
        assertThat(get("/small?header=X-Split:a%0d%0aX-Injected:b").statusCode()).isEqualTo(400);
    }

    @Test
    void etagAnswersNotModifiedWhenIfNoneMatchMatches() throws Exception {
        HttpResponse<byte[]> first = get("/small?etag=v1");
        assertThat(first.headers().firstValue("ETag")).hasValue("\"v1\"");

        HttpResponse<byte[]> revalidated = client.send(HttpRequest.newBuilder(uri("/small?etag=v1"))
                .header("If-None-Match", "\"v0\", W/\"v1\"").build(), BodyHandlers.ofByteArray());
        assertThat(revalidated.statusCode()).isEqualTo(304);
        assertThat(revalidated.body()).isEmpty();
        assertThat(revalidated.headers().firstValue("ETag")).hasValue("\"v1\"");
        assertThat(revalidated.headers().firstValue("Cache-Control")).hasValue("public, max-age=3600");

        HttpResponse<byte[]> changed = client.send(HttpRequest.newBuilder(uri("/small?etag=v2"))
                .header("If-None-Match", "\"v1\"").build(), BodyHandlers.ofByteArray());
        assertThat(changed.statusCode()).isEqualTo(200);
        assertThat(changed.body()).hasSize(1024);
    }

    @Test
    void lastModifiedAnswersNotModifiedWhenUnchangedSince() throws Exception {
        String path = "/medium?lastmod=Tue,%2015%20Nov%201994%2008:12:31%20GMT";
        HttpResponse<byte[]> unchanged = client.send(HttpRequest.newBuilder(uri(path))
                .header("If-Modified-Since", "Tue, 15 Nov 1994 08:12:31 GMT").build(), BodyHandlers.ofByteArray());
        assertThat(unchanged.statusCode()).isEqualTo(304);

        HttpResponse<byte[]> changed = client.send(HttpRequest.newBuilder(uri(path))
                .header("If-Modified-Since", "Mon, 14 Nov 1994 08:12:31 GMT").build(), BodyHandlers.ofByteArray());
        assertThat(changed.statusCode()).isEqualTo(200);
    }

    @Test
    void unknownPathsAreNotFound() throws Exception {
        assertThat(get("/nope").statusCode()).isEqualTo(404);
        assertThat(get("/ws").statusCode()).isEqualTo(400);
    }

    @Test
    void expectContinueIsHonoured() throws Exception {
        HttpResponse<byte[]> response = client.send(HttpRequest.newBuilder(uri("/echo"))
                .expectContinue(true)
                .POST(BodyPublishers.ofString("after continue"))
                .build(), BodyHandlers.ofByteArray());
        assertThat(Json.object(text(response))).containsEntry("bodyLength", 14L);
    }

    private static HttpResponse<byte[]> get(String path) throws IOException, InterruptedException {
        return client.send(HttpRequest.newBuilder(uri(path)).build(), BodyHandlers.ofByteArray());
    }

    private static URI uri(String path) {
        return URI.create(origin.baseUrl() + path);
    }

    private static String text(HttpResponse<byte[]> response) {
        return new String(response.body());
    }

    static String sha256(byte[] bytes) throws Exception {
        return HexFormat.of().formatHex(MessageDigest.getInstance("SHA-256").digest(bytes));
    }
}
