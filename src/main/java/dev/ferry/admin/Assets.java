package dev.ferry.admin;

import io.netty.handler.codec.http.HttpResponseStatus;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * The dashboard's files, served from the jar (no CDN: the page works offline): the page, its script
 * and style, and the uPlot charting library with its licence. Loaded once at start.
 */
final class Assets {

    static final String INDEX = "index.html";
    private static final String BASE = "dashboard/";
    private static final Map<String, String> TYPES = Map.of(
            "html", "text/html; charset=utf-8",
            "js", "text/javascript; charset=utf-8",
            "css", "text/css; charset=utf-8",
            "txt", "text/plain; charset=utf-8");
    /** The page loads only its own files; uPlot sizes its elements through inline styles. */
    private static final String CSP = "default-src 'none'; script-src 'self'; style-src 'self' 'unsafe-inline'; "
            + "img-src 'self' data:; connect-src 'self'; base-uri 'none'; form-action 'none'; frame-ancestors 'none'";

    private final Map<String, Reply> files = new LinkedHashMap<>();

    Assets() {
        for (String name : new String[] {INDEX, "dashboard.js", "dashboard.css", "uPlot.iife.min.js", "uPlot.min.css",
                "uPlot-LICENSE.txt"}) {
            byte[] content = load(name);
            String type = TYPES.get(name.substring(name.lastIndexOf('.') + 1));
            Reply reply = new Reply(HttpResponseStatus.OK, type, content, Map.of(
                    "Cache-Control", "no-cache",
                    "X-Content-Type-Options", "nosniff"));
            if (name.equals(INDEX)) {
                reply = reply.withHeader("Content-Security-Policy", CSP).withHeader("X-Frame-Options", "DENY")
                        .withHeader("Referrer-Policy", "no-referrer");
            }
            files.put(name, reply);
        }
    }

    /** The file, or null when there is no such asset. */
    Reply get(String name) {
        return files.get(name);
    }

    private static byte[] load(String name) {
        try (InputStream in = Assets.class.getResourceAsStream(BASE + name)) {
            if (in == null) {
                throw new IllegalStateException("dashboard asset missing from the jar: " + BASE + name);
            }
            return in.readAllBytes();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }
}
