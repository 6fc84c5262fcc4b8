package dev.ferry.admin;

import static org.assertj.core.api.Assertions.assertThat;

import dev.ferry.demo.DemoOrigin;
import dev.ferry.testing.RawHttp;
import dev.ferry.testing.TestFerry;
import java.util.Map;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/** {@code POST /api/cache/purge} really purges: afterwards the origin is asked again (hard) or asked to validate (soft). */
class AdminPurgeTest {

    private static final String HOST = "purge.test";

    private static DemoOrigin origin;
    private static TestFerry ferry;
    private static AdminClient admin;

    @BeforeAll
    static void start() throws Exception {
        origin = DemoOrigin.start(DemoOrigin.Options.defaults());
        ferry = TestFerry.start("""
                listeners:
                  - name: edge
                    bind: 127.0.0.1:0
                    routes:
                      - { name: a, match: { path_prefix: /echo }, upstream: origin, cache: first }
                      - { name: b, upstream: origin, cache: second }
                upstreams:
                  origin: { servers: [ "127.0.0.1:%d" ] }
                caches:
                  first: { max_size: 4MiB }
                  second: { max_size: 4MiB }
                admin: { bind: 127.0.0.1:0, token: purge-token }
                """.formatted(origin.port()));
        admin = new AdminClient(ferry.server().adminAddress().orElseThrow(), "purge-token");
    }

    @AfterAll
    static void stop() {
        ferry.close();
        origin.close();
    }

    private static RawHttp.Response get(String target) throws Exception {
        try (RawHttp raw = new RawHttp(ferry.port("edge"))) {
            return raw.send("GET " + target + " HTTP/1.1\r\nHost: " + HOST + "\r\n\r\n").read();
        }
    }

    private static String cacheStatus(String target) throws Exception {
        String status = get(target).header("cache-status");
        return status == null ? "" : status;
    }

    private static void cached(String target) throws Exception {
        assertThat(cacheStatus(target)).contains("stored");
        assertThat(cacheStatus(target)).contains("; hit");
    }

    private static Map<String, Object> purge(String body) {
        AdminClient.Answer answer = admin.post("/api/cache/purge", body, "Content-Type", "application/json");
        assertThat(answer.status()).as(answer.body()).isEqualTo(200);
        return answer.json();
    }

    @Test
    void byUrlHardTheNextRequestGoesToTheOrigin() throws Exception {
        String target = "/echo?cache=max-age=600&t=url";
        String other = "/echo?cache=max-age=600&t=url-other";
        cached(target);
        cached(other);
        int before = origin.requestsReceived();

        Map<String, Object> answer = purge("{\"url\": \"http://" + HOST + target + "\"}");

        assertThat(answer).containsEntry("purged", 1L).containsEntry("mode", "hard")
                .containsEntry("caches", Map.of("first", 1L, "second", 0L));
        assertThat(cacheStatus(target)).contains("fwd=uri-miss", "stored");
        assertThat(origin.requestsReceived()).isEqualTo(before + 1);
        assertThat(cacheStatus(other)).contains("; hit");
    }

    @Test
    void byPrefixInOneCache() throws Exception {
        cached("/echo?cache=max-age=600&grp=p&i=1");
        cached("/echo?cache=max-age=600&grp=p&i=2");
        cached("/small?grp=p");

        Map<String, Object> answer = purge("{\"cache\": \"first\", \"prefix\": \"http://" + HOST
                + "/echo?cache=max-age=600&grp=p\"}");

        assertThat(answer).containsEntry("purged", 2L).containsEntry("caches", Map.of("first", 2L));
        assertThat(cacheStatus("/echo?cache=max-age=600&grp=p&i=1")).contains("fwd=uri-miss");
        assertThat(cacheStatus("/echo?cache=max-age=600&grp=p&i=2")).contains("fwd=uri-miss");
        assertThat(cacheStatus("/small?grp=p")).contains("; hit");
    }

    @Test
    void byTagInEveryCache() throws Exception {
        cached("/echo?cache=max-age=600&header=Surrogate-Key:promo&t=tag");
        cached("/small?t=untagged");

        Map<String, Object> answer = purge("{\"tag\": \"promo\"}");

        assertThat(answer).containsEntry("purged", 1L);
        assertThat(cacheStatus("/echo?cache=max-age=600&header=Surrogate-Key:promo&t=tag")).contains("fwd=uri-miss");
        assertThat(cacheStatus("/small?t=untagged")).contains("; hit");
    }

    @Test
    void softMarksStaleSoTheNextRequestRevalidates() throws Exception {
        String target = "/echo?cache=max-age=600&etag=v1&t=soft";
        cached(target);

        Map<String, Object> answer = purge("{\"url\": \"http://" + HOST + target + "\", \"mode\": \"soft\"}");

        assertThat(answer).containsEntry("purged", 1L).containsEntry("mode", "soft");
        RawHttp.Response revalidated = get(target);
        assertThat(revalidated.status()).isEqualTo(200);
        assertThat(revalidated.header("cache-status")).contains("fwd=stale", "fwd-status=304");
    }

    @Test
    void aUrlNotCachedPurgesNothing() {
        assertThat(purge("{\"url\": \"http://" + HOST + "/never-cached\"}")).containsEntry("purged", 0L);
    }
}
