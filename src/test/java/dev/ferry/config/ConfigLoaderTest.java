package dev.ferry.config;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.ferry.config.ListenerConfig.Protocol;
import dev.ferry.config.UpstreamConfig.Balance;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class ConfigLoaderTest {

    static final String FULL_YAML = """
            server: { workers: 4, drain_timeout: 10s, via: edge-proxy }
            listeners:
              - name: edge
                bind: 127.0.0.1:8080
                protocol: http
                trusted_proxies: [10.0.0.0/8, "fd00::/8"]
                forward_proxy:
                  connect_ports: [443, 8443]
                  allow_clients: [127.0.0.0/8, 192.168.0.0/16]
                  allow_loopback_targets: true
                  deny_targets: [169.254.0.0/16]
                  users: { alice: "s3cret", bob: 0755 }
                  timeouts: { connect: 2s, response: 30s, idle: 1m, tunnel: 1h }
                  pool: { max_idle: 8, idle_timeout: 30s, max_requests: 100 }
                routes:
                  - name: api
                    match:
                      host: API.example.com
                      path_prefix: /v1
                      methods: [get, POST]
                      headers: { X-Env: prod }
                    upstream: api
                    timeouts: { response: 5s }
                    retries: { attempts: 3 }
                  - name: rest
                    upstream: web
              - name: db
                bind: "[::1]:6432"
                protocol: tcp
                upstream: pg
            upstreams:
              api:
                balance: consistent_hash
                hash_key: header:X-User
                servers:
                  - { address: 127.0.0.1:8081, weight: 3, max_connections: 100 }
                  - { address: 127.0.0.1:8082, weight: 2 }
                queue: { size: 1000, timeout: 2s }
                timeouts: { connect: 1s, response: 20s, idle: 30s, tunnel: 5m }
                retries: { attempts: 4, budget: 25%, max_replay_body: 1MiB }
                pool: { max_idle: 16, idle_timeout: 45s, max_requests: 1000 }
                host: api.internal
              web:
                balance: least_connections
                servers: ["web1.internal:80", "web2.internal:80"]
              pg:
                servers: [ { address: 127.0.0.1:5432 } ]
            limits: { max_connections: 100, max_requests_in_flight: 50,
                      max_header_size: 32KiB, header_timeout: 5s, idle_timeout: 2m }
            access_log: { format: json, path: /var/log/ferry.log }
            """;

    static final String FULL_JSON = """
            {
              "server": {"workers": 4, "drain_timeout": "10s", "via": "edge-proxy"},
              "listeners": [
                {"name": "edge", "bind": "127.0.0.1:8080", "protocol": "http",
                 "trusted_proxies": ["10.0.0.0/8", "fd00::/8"],
                 "forward_proxy": {
                   "connect_ports": [443, 8443],
                   "allow_clients": ["127.0.0.0/8", "192.168.0.0/16"],
                   "allow_loopback_targets": true,
                   "deny_targets": ["169.254.0.0/16"],
                   "users": {"alice": "s3cret", "bob": "0755"},
                   "timeouts": {"connect": "2s", "response": "30s", "idle": "1m", "tunnel": "1h"},
                   "pool": {"max_idle": 8, "idle_timeout": "30s", "max_requests": 100}
                 },
                 "routes": [
                   {"name": "api",
                    "match": {"host": "API.example.com", "path_prefix": "/v1", "methods": ["get", "POST"],
                              "headers": {"X-Env": "prod"}},
                    "upstream": "api", "timeouts": {"response": "5s"}, "retries": {"attempts": 3}},
                   {"name": "rest", "upstream": "web"}
                 ]},
                {"name": "db", "bind": "[::1]:6432", "protocol": "tcp", "upstream": "pg"}
              ],
              "upstreams": {
                "api": {
                  "balance": "consistent_hash", "hash_key": "header:X-User",
                  "servers": [{"address": "127.0.0.1:8081", "weight": 3, "max_connections": 100},
                              {"address": "127.0.0.1:8082", "weight": 2}],
                  "queue": {"size": 1000, "timeout": "2s"},
                  "timeouts": {"connect": "1s", "response": "20s", "idle": "30s", "tunnel": "5m"},
                  "retries": {"attempts": 4, "budget": "25%", "max_replay_body": "1MiB"},
                  "pool": {"max_idle": 16, "idle_timeout": "45s", "max_requests": 1000},
                  "host": "api.internal"
                },
                "web": {"balance": "least_connections", "servers": ["web1.internal:80", "web2.internal:80"]},
                "pg": {"servers": [{"address": "127.0.0.1:5432"}]}
              },
              "limits": {"max_connections": 100, "max_requests_in_flight": 50,
                         "max_header_size": "32KiB", "header_timeout": "5s", "idle_timeout": "2m"},
              "access_log": {"format": "json", "path": "/var/log/ferry.log"}
            }
            """;

    @Test
    void fullYamlBindsEveryField() throws ConfigException {
        assertFull(ConfigLoader.parse(FULL_YAML, "ferry.yaml"), "ferry.yaml");
    }

    @Test
    void fullJsonBindsTheSame() throws ConfigException {
        assertFull(ConfigLoader.parse(FULL_JSON, "ferry.json"), "ferry.json");
    }

    @Test
    void loadsFilesByExtension(@TempDir Path dir) throws Exception {
        Path yaml = Files.writeString(dir.resolve("ferry.yaml"), FULL_YAML);
        Path json = Files.writeString(dir.resolve("ferry.json"), FULL_JSON);
        FerryConfig fromYaml = ConfigLoader.load(yaml);
        FerryConfig fromJson = ConfigLoader.load(json);
        assertThat(fromYaml.source()).isEqualTo(yaml.toString());
        assertThat(fromJson).usingRecursiveComparison().ignoringFields("source").isEqualTo(fromYaml);
    }

    @Test
    void missingFileIsAConfigError(@TempDir Path dir) {
        Path missing = dir.resolve("nope.yaml");
        assertThatThrownBy(() -> ConfigLoader.load(missing)).isInstanceOf(ConfigException.class)
                .hasMessage(missing + ": no such file");
    }

    private static void assertFull(FerryConfig config, String source) {
        assertThat(config.source()).isEqualTo(source);
        assertThat(config.server()).isEqualTo(new ServerSettings(4, Duration.ofSeconds(10), "edge-proxy", ServerSettings.TransportChoice.AUTO));
        assertThat(config.limits()).isEqualTo(
                new Limits(100, 50, 32 * 1024, Duration.ofSeconds(5), Duration.ofMinutes(2)));
        assertThat(config.accessLog()).contains(new AccessLogConfig(AccessLogConfig.Format.JSON, "/var/log/ferry.log"));

        assertThat(config.listeners()).hasSize(2);
        ListenerConfig edge = config.listeners().get(0);
        assertThat(edge.name()).isEqualTo("edge");
        assertThat(edge.bind()).isEqualTo(new HostPort("127.0.0.1", 8080));
        assertThat(edge.protocol()).isEqualTo(Protocol.HTTP);
        assertThat(edge.trustedProxies()).containsExactly(Cidrs.parse("10.0.0.0/8"), Cidrs.parse("fd00::/8"));
        assertThat(edge.upstream()).isEmpty();
        assertThat(edge.forwardProxy()).contains(new ForwardProxyConfig(
                Set.of(443, 8443),
                List.of(Cidrs.parse("127.0.0.0/8"), Cidrs.parse("192.168.0.0/16")),
                true,
                List.of(Cidrs.parse("169.254.0.0/16")),
                Map.of("alice", "s3cret", "bob", "0755"),
                new UpstreamTimeouts(Duration.ofSeconds(2), Duration.ofSeconds(30), Duration.ofMinutes(1),
                        Duration.ofHours(1)),
                new PoolConfig(8, Duration.ofSeconds(30), 100),
                Optional.empty(), Optional.empty()));
        assertThat(edge.routes()).containsExactly(
                new RouteConfig("api",
                        new RouteMatch(Optional.of("api.example.com"), "/v1", Set.of("GET", "POST"),
                                Map.of("x-env", "prod")),
                        "api",
                        new RouteConfig.TimeoutOverrides(Optional.empty(), Optional.of(Duration.ofSeconds(5)),
                                Optional.empty(), Optional.empty()),
                        Optional.of(new RetryConfig(3, 20, 64 * 1024)), Optional.empty(), Optional.empty()),
                new RouteConfig("rest", RouteMatch.ANY, "web", RouteConfig.TimeoutOverrides.NONE, Optional.empty(),
                        Optional.empty(), Optional.empty()));

        ListenerConfig db = config.listeners().get(1);
        assertThat(db).isEqualTo(new ListenerConfig("db", new HostPort("::1", 6432), Protocol.TCP, List.of(),
                false, Optional.empty(), List.of(), Optional.of("pg"), Optional.empty()));

        assertThat(config.upstreams().keySet()).containsExactly("api", "web", "pg");
        assertThat(config.upstreams().get("api")).isEqualTo(new UpstreamConfig(
                "api",
                Balance.CONSISTENT_HASH,
                Optional.of(new HashKey(HashKey.Source.HEADER, "x-user")),
                List.of(new ServerConfig(new HostPort("127.0.0.1", 8081), 3, 100),
                        new ServerConfig(new HostPort("127.0.0.1", 8082), 2, 0)),
                new QueueConfig(1000, Duration.ofSeconds(2)),
                new UpstreamTimeouts(Duration.ofSeconds(1), Duration.ofSeconds(20), Duration.ofSeconds(30),
                        Duration.ofMinutes(5)),
                new RetryConfig(4, 25, 1024 * 1024),
                new PoolConfig(16, Duration.ofSeconds(45), 1000),
                Optional.of("api.internal"),
                HealthConfig.DEFAULT,
                Optional.empty()));
        assertThat(config.upstreams().get("web")).isEqualTo(new UpstreamConfig(
                "web", Balance.LEAST_CONNECTIONS, Optional.empty(),
                List.of(new ServerConfig(new HostPort("web1.internal", 80), 1, 0),
                        new ServerConfig(new HostPort("web2.internal", 80), 1, 0)),
                QueueConfig.DEFAULT, UpstreamTimeouts.DEFAULT, RetryConfig.DEFAULT, PoolConfig.DEFAULT,
                Optional.empty(), HealthConfig.DEFAULT, Optional.empty()));
        assertThat(config.upstreams().get("pg").balance()).isEqualTo(Balance.ROUND_ROBIN);
    }

    @Test
    void absentSectionsTakeTheDefaults() throws ConfigException {
        FerryConfig config = ConfigLoader.parse("""
                listeners:
                  - name: proxy
                    bind: 127.0.0.1:0
                    forward_proxy: {}
                """, "ferry.yaml");
        assertThat(config.server()).isEqualTo(ServerSettings.DEFAULT);
        assertThat(config.limits()).isEqualTo(Limits.DEFAULT);
        assertThat(config.accessLog()).isEmpty();
        assertThat(config.upstreams()).isEmpty();
        ListenerConfig proxy = config.listeners().get(0);
        assertThat(proxy.protocol()).isEqualTo(Protocol.HTTP);
        assertThat(proxy.trustedProxies()).isEmpty();
        assertThat(proxy.routes()).isEmpty();
        assertThat(proxy.forwardProxy()).contains(ForwardProxyConfig.defaults());
    }

    @Test
    void emptySectionsAndPartialBlocksFillInDefaults() throws ConfigException {
        FerryConfig config = ConfigLoader.parse("""
                server: { workers: 2 }
                limits: { max_header_size: 8192 }
                access_log:
                listeners:
                  - name: proxy
                    bind: 127.0.0.1:3128
                    forward_proxy:
                      timeouts: { connect: 1s }
                      pool: { max_idle: 2 }
                  - name: lb
                    bind: 127.0.0.1:8080
                    routes:
                      - name: all
                        upstream: app
                        retries: { budget: 50 }
                upstreams:
                  app:
                    servers: [127.0.0.1:9000]
                    queue: { size: 10 }
                """, "ferry.yaml");
        assertThat(config.server()).isEqualTo(new ServerSettings(2, Duration.ofSeconds(30), "ferry", ServerSettings.TransportChoice.AUTO));
        assertThat(config.limits().maxHeaderSize()).isEqualTo(8192);
        assertThat(config.limits().headerTimeout()).isEqualTo(Limits.DEFAULT.headerTimeout());
        assertThat(config.accessLog()).contains(AccessLogConfig.STDOUT_TEXT);
        ForwardProxyConfig proxy = config.listeners().get(0).forwardProxy().orElseThrow();
        assertThat(proxy.timeouts()).isEqualTo(new UpstreamTimeouts(Duration.ofSeconds(1),
                UpstreamTimeouts.DEFAULT.response(), UpstreamTimeouts.DEFAULT.idle(), UpstreamTimeouts.DEFAULT.tunnel()));
        assertThat(proxy.pool()).isEqualTo(new PoolConfig(2, PoolConfig.DEFAULT.idleTimeout(), 0));
        assertThat(proxy.connectPorts()).isEqualTo(ForwardProxyConfig.DEFAULT_CONNECT_PORTS);
        assertThat(proxy.allowClients()).containsExactly(Cidrs.parse("127.0.0.0/8"), Cidrs.parse("::1/128"));
        RouteConfig route = config.listeners().get(1).routes().get(0);
        assertThat(route.match()).isEqualTo(RouteMatch.ANY);
        assertThat(route.retries()).contains(new RetryConfig(2, 50, 64 * 1024));
        UpstreamConfig app = config.upstreams().get("app");
        assertThat(app.queue()).isEqualTo(new QueueConfig(10, Duration.ofSeconds(5)));
        assertThat(app.servers()).containsExactly(new ServerConfig(new HostPort("127.0.0.1", 9000), 1, 0));
    }
}
