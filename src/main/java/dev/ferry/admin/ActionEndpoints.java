package dev.ferry.admin;

import dev.ferry.cache.HttpCache;
import dev.ferry.server.FerryServer;
import dev.ferry.server.ReloadResult;
import dev.ferry.upstream.Server;
import dev.ferry.upstream.Upstream;
import io.netty.handler.codec.http.HttpResponseStatus;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/** What operators change through the admin API: purge caches, reload the config, drain servers. */
final class ActionEndpoints {

    private static final Logger log = LoggerFactory.getLogger("ferry.admin");

    private final FerryServer ferry;
    private final StatsEndpoints stats;

    ActionEndpoints(FerryServer ferry, StatsEndpoints stats) {
        this.ferry = ferry;
        this.stats = stats;
    }

    /** {@code POST /api/cache/purge}: by URL, prefix or tag, in one cache or all, soft or hard. */
    Reply purge(AdminRequest request) {
        PurgeRequest purge;
        try {
            purge = PurgeRequest.parse(request.body());
        } catch (PurgeRequest.Invalid e) {
            return Reply.error(HttpResponseStatus.BAD_REQUEST, e.getMessage());
        }
        Map<String, HttpCache> all = ferry.caches();
        Map<String, HttpCache> targets = new LinkedHashMap<>();
        if (purge.cache().isPresent()) {
            HttpCache cache = all.get(purge.cache().get());
            if (cache == null) {
                return Reply.error(HttpResponseStatus.NOT_FOUND, "no cache named '" + purge.cache().get() + "'"
                        + names(all.keySet()));
            }
            targets.put(purge.cache().get(), cache);
        } else {
            targets.putAll(all);
        }
        Map<String, Integer> purged = new LinkedHashMap<>();
        targets.forEach((name, cache) -> purged.put(name, switch (purge.kind()) {
            case URL -> cache.purgeUrl(purge.value(), purge.soft()) ? 1 : 0;
            case PREFIX -> cache.purgePrefix(purge.value(), purge.soft());
            case TAG -> cache.purgeTag(purge.value(), purge.soft());
        }));
        int total = purged.values().stream().mapToInt(Integer::intValue).sum();
        log.info("admin: purged {} {} '{}' ({}): {} entr{}", purge.soft() ? "soft" : "hard",
                purge.kind().name().toLowerCase(Locale.ROOT), purge.value(), String.join(", ", targets.keySet()),
                total, total == 1 ? "y" : "ies");
        return Reply.ok(json -> {
            json.writeStartObject();
            json.writeNumberField("purged", total);
            json.writeStringField("mode", purge.soft() ? "soft" : "hard");
            json.writeObjectFieldStart("caches");
            for (Map.Entry<String, Integer> entry : purged.entrySet()) {
                json.writeNumberField(entry.getKey(), entry.getValue());
            }
            json.writeEndObject();
            json.writeEndObject();
        });
    }

    /** {@code POST /api/reload}: 200 when applied, 409 with every error when refused (the running config stays). */
    Reply reload() {
        ReloadResult result = ferry.reload();
        if (result.applied()) {
            log.info("admin: config reloaded");
        } else {
            log.warn("admin: reload refused: {}", String.join("; ", result.errors()));
        }
        return Reply.json(result.applied() ? HttpResponseStatus.OK : HttpResponseStatus.CONFLICT, json -> {
            json.writeStartObject();
            json.writeBooleanField("applied", result.applied());
            json.writeArrayFieldStart("errors");
            for (String error : result.errors()) {
                json.writeString(error);
            }
            json.writeEndArray();
            json.writeEndObject();
        });
    }

    /**
     * {@code POST /api/upstreams/{name}/servers/{address}/drain} (or {@code undrain}): the server takes
     * no new requests (or takes them again); requests in flight finish. {@code address} is the
     * server's {@code ip:port} or its address as written in the config.
     */
    Reply drain(String upstreamName, String address, boolean drain) {
        Upstream upstream = ferry.upstreams().get(upstreamName);
        if (upstream == null) {
            return Reply.error(HttpResponseStatus.NOT_FOUND, "no upstream named '" + upstreamName + "'"
                    + names(ferry.upstreams().keySet()));
        }
        List<String> configured = stats.configuredAddresses(upstreamName);
        Server found = null;
        for (int i = 0; i < upstream.servers().size(); i++) {
            Server server = upstream.servers().get(i);
            if (server.id().equals(address) || i < configured.size() && configured.get(i).equals(address)) {
                found = server;
                break;
            }
        }
        if (found == null) {
            return Reply.error(HttpResponseStatus.NOT_FOUND, "upstream '" + upstreamName + "' has no server '"
                    + address + "'" + names(upstream.servers().stream().map(Server::id).toList()));
        }
        if (drain) {
            found.health().drain();
        } else {
            found.health().undrain();
        }
        Server server = found;
        log.info("admin: upstream {} server {} {}", upstreamName, server.id(), drain ? "drained" : "back in rotation");
        return Reply.ok(json -> {
            json.writeStartObject();
            json.writeStringField("upstream", upstreamName);
            json.writeStringField("server", server.id());
            json.writeStringField("state", server.health().state().name().toLowerCase(Locale.ROOT));
            json.writeNumberField("requests_in_flight", server.load());
            json.writeEndObject();
        });
    }

    private static String names(java.util.Collection<String> names) {
        return names.isEmpty() ? " (there are none)" : " (" + String.join(", ", names) + ")";
    }
}
