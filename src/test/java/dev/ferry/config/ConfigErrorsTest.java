package dev.ferry.config;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.catchThrowableOfType;
import static org.assertj.core.api.Assertions.tuple;

import java.util.List;
import org.junit.jupiter.api.Test;

class ConfigErrorsTest {

    static final String MANY_MISTAKES = """
            server: { workers: -1, drain_timeout: 30 }
            listeners:
              - name: edge
                bnd: 127.0.0.1:8080
                bind: 127.0.0.1:8080
                forward_proxy:
                  connect_ports: [443, 70000]
                  allow_clients: [10.1.2.3/8]
                  users: { "a:b": x, carol: "" }
                  timeouts: { conect: 1s }
              - name: edge
                bind: 127.0.0.1:8080
                routes:
                  - name: api
                    match: { host: "api.example.com:80", path_prefix: v1 }
                    upstream: nope
              - name: db
                bind: "::1:5432"
                protocol: tcp
              - name: empty
                bind: 127.0.0.1:0
                upstream: api
              - name: relay
                bind: 127.0.0.1:0
                protocol: tcp
                upstream: api
                routes: []
            upstreams:
              api:
                balance: consistent_hash
                servers:
                  - { address: 127.0.0.1:8081, weight: 0 }
                  - 127.0.0.1:8081
                  - 127.0.0.1:0
                queue: { size: 10, timeout: 5 }
                retries: { budget: 120%, max_replay_body: 10kb }
                pool: { max_idel: 3 }
              web:
                hash_key: client_ip
                servers: []
            limits:
              max_header_size: 512
              header_timeout: 10
            admin: { tokn: x }
            """;

    @Test
    void reportsEveryErrorAtOnceInFileOrder() {
        List<ConfigError> errors = errors(MANY_MISTAKES, "ferry.yaml");
        assertThat(errors).extracting(ConfigError::line, ConfigError::path).containsExactly(
                tuple(1, "server.workers"),
                tuple(1, "server.drain_timeout"),
                tuple(4, "listeners[0]"),
                tuple(7, "listeners[0].forward_proxy.connect_ports[1]"),
                tuple(8, "listeners[0].forward_proxy.allow_clients[0]"),
                tuple(9, "listeners[0].forward_proxy.users.a:b"),
                tuple(9, "listeners[0].forward_proxy.users.carol"),
                tuple(10, "listeners[0].forward_proxy.timeouts"),
                tuple(11, "listeners[1].name"),
                tuple(12, "listeners[1].bind"),
                tuple(15, "listeners[1].routes[0].match.host"),
                tuple(15, "listeners[1].routes[0].match.path_prefix"),
                tuple(16, "listeners[1].routes[0].upstream"),
                tuple(17, "listeners[2]"),
                tuple(18, "listeners[2].bind"),
                tuple(20, "listeners[3]"),
                tuple(22, "listeners[3].upstream"),
                tuple(27, "listeners[4].routes"),
                tuple(30, "upstreams.api"),
                tuple(32, "upstreams.api.servers[0].weight"),
                tuple(33, "upstreams.api.servers[1]"),
                tuple(34, "upstreams.api.servers[2]"),
                tuple(35, "upstreams.api.queue.timeout"),
                tuple(36, "upstreams.api.retries.budget"),
                tuple(36, "upstreams.api.retries.max_replay_body"),
                tuple(37, "upstreams.api.pool"),
                tuple(39, "upstreams.web.hash_key"),
                tuple(40, "upstreams.web.servers"),
                tuple(42, "limits.max_header_size"),
                tuple(43, "limits.header_timeout"),
                tuple(44, "admin"));
        assertThat(errors).extracting(ConfigError::toString).contains(
                "ferry.yaml:1: server.drain_timeout: '30' needs a unit: ms, s, m, h or d",
                "ferry.yaml:4: listeners[0]: unknown key 'bnd' (expected one of: name, bind, protocol, "
                        + "trusted_proxies, proxy_protocol, forward_proxy, routes, upstream, rate_limit, tls, http2)",
                "ferry.yaml:7: listeners[0].forward_proxy.connect_ports[1]: must be a port between 1 and 65535, "
                        + "got 70000",
                "ferry.yaml:8: listeners[0].forward_proxy.allow_clients[0]: '10.1.2.3/8': host bits set; "
                        + "did you mean 10.0.0.0/8?",
                "ferry.yaml:11: listeners[1].name: duplicate of listeners[0].name (edge)",
                "ferry.yaml:12: listeners[1].bind: duplicate of listeners[0].bind (127.0.0.1:8080)",
                "ferry.yaml:16: listeners[1].routes[0].upstream: no upstream named 'nope' (upstreams: api, web)",
                "ferry.yaml:17: listeners[2]: a tcp listener needs upstream: the upstream to relay bytes to",
                "ferry.yaml:18: listeners[2].bind: '::1:5432': an IPv6 address must be in brackets, e.g. [::1]:8080",
                "ferry.yaml:20: listeners[3]: an http listener needs forward_proxy or routes",
                "ferry.yaml:30: upstreams.api: balance consistent_hash needs hash_key: client_ip, header:NAME "
                        + "or cookie:NAME",
                "ferry.yaml:33: upstreams.api.servers[1]: duplicate of upstreams.api.servers[0].address "
                        + "(127.0.0.1:8081)",
                "ferry.yaml:39: upstreams.web.hash_key: is only used with balance: consistent_hash",
                "ferry.yaml:40: upstreams.web.servers: must list at least one server",
                "ferry.yaml:42: limits.max_header_size: must be between 1KiB and 1MiB, got 512B",
                "ferry.yaml:43: limits.header_timeout: '10' needs a unit: ms, s, m, h or d",
                "ferry.yaml:44: admin: unknown key 'tokn' (expected one of: bind, token)");
    }

    @Test
    void exceptionMessageListsEveryErrorOnItsOwnLine() {
        ConfigException e = catchThrowableOfType(ConfigException.class,
                () -> ConfigLoader.parse(MANY_MISTAKES, "ferry.yaml"));
        assertThat(e.getMessage().lines()).hasSize(e.errors().size()).allMatch(line -> line.startsWith("ferry.yaml:"));
    }

    @Test
    void jsonErrorsCarryLinesToo() {
        List<ConfigError> errors = errors("""
                {
                  "listeners": [
                    {"name": "a", "bind": "127.0.0.1:8080", "forward_proxy": {"connect_ports": ["https"]}},
                    {"name": "b", "bind": "127.0.0.1:8081",
                     "routes": [{"name": "r", "upstream": "x", "timeouts": {"response": "5"}}]}
                  ]
                }
                """, "ferry.json");
        assertThat(errors).extracting(ConfigError::toString).containsExactly(
                "ferry.json:3: listeners[0].forward_proxy.connect_ports[0]: expected an integer, got 'https'",
                "ferry.json:5: listeners[1].routes[0].upstream: no upstream named 'x' (there is no upstreams section)",
                "ferry.json:5: listeners[1].routes[0].timeouts.response: '5' needs a unit: ms, s, m, h or d");
    }

    @Test
    void emptyFile() {
        assertThat(errors("", "ferry.yaml")).extracting(ConfigError::toString)
                .containsExactly("ferry.yaml:1: the file is empty");
        assertThat(errors("# nothing but a comment\n", "ferry.yaml")).extracting(ConfigError::message)
                .containsExactly("the file is empty");
        assertThat(errors("  \n", "ferry.json")).extracting(ConfigError::message)
                .containsExactly("the file is empty");
    }

    @Test
    void yamlSyntaxErrorHasItsLine() {
        List<ConfigError> errors = errors("""
                listeners:
                  - name: a
                    bind: 127.0.0.1:80
                     routes: []
                """, "ferry.yaml");
        assertThat(errors).extracting(ConfigError::toString)
                .containsExactly("ferry.yaml:4: YAML syntax error: mapping values are not allowed here");
    }

    @Test
    void unclosedFlowSequenceNamesWhereItStarted() {
        List<ConfigError> errors = errors("listeners: [\n  {name: a}\n", "ferry.yaml");
        assertThat(errors).singleElement().satisfies(error -> {
            assertThat(error.path()).isEmpty();
            assertThat(error.message()).startsWith("YAML syntax error: ")
                    .contains("while parsing a flow sequence started at line 1").doesNotContain("\n");
        });
    }

    @Test
    void jsonSyntaxErrorHasItsLine() {
        List<ConfigError> errors = errors("{\n  \"listeners\": [1,\n  2}\n", "ferry.json");
        assertThat(errors).singleElement().satisfies(error -> {
            assertThat(error.line()).isEqualTo(3);
            assertThat(error.message()).startsWith("JSON syntax error: Unexpected close marker '}'")
                    .contains("Array starting at line 2").doesNotContain("Source");
        });
    }

    @Test
    void duplicateKeysAreErrorsAndBindingGoesOn() {
        List<ConfigError> errors = errors("""
                listeners:
                  - name: a
                    bind: 127.0.0.1:80
                    name: b
                    forward_proxy: { connect_ports: [0] }
                listeners: []
                """, "ferry.yaml");
        assertThat(errors).extracting(ConfigError::toString).containsExactly(
                "ferry.yaml:4: listeners[0].name: duplicate key 'name' (first at line 2)",
                "ferry.yaml:5: listeners[0].forward_proxy.connect_ports[0]: must be a port between 1 and 65535, got 0",
                "ferry.yaml:6: listeners: duplicate key 'listeners' (first at line 1)");
    }

    @Test
    void duplicateKeysInJson() {
        assertThat(errors("{\"listeners\": [],\n \"listeners\": []}", "ferry.json"))
                .extracting(ConfigError::line, ConfigError::path, ConfigError::message)
                .contains(tuple(2, "listeners", "duplicate key 'listeners' (first at line 1)"));
    }

    @Test
    void typeMismatchesNameTheExpectedType() {
        List<ConfigError> errors = errors("""
                listeners: { name: a }
                upstreams: { x: [1] }
                limits: [1]
                server: { workers: ten, drain_timeout: [1s] }
                access_log: { format: JSON }
                """, "ferry.yaml");
        assertThat(errors).extracting(ConfigError::toString).containsExactly(
                "ferry.yaml:1: listeners: expected a list, got a mapping",
                "ferry.yaml:2: upstreams.x: expected a mapping, got a list",
                "ferry.yaml:3: limits: expected a mapping, got a list",
                "ferry.yaml:4: server.workers: expected an integer, got 'ten'",
                "ferry.yaml:4: server.drain_timeout: expected a duration such as 5s, got a list",
                "ferry.yaml:5: access_log.format: must be one of: text, json, got 'JSON'");
    }

    @Test
    void listenersAreRequiredAndNotEmpty() {
        assertThat(errors("server: { workers: 1 }\n", "ferry.yaml")).extracting(ConfigError::toString)
                .containsExactly("ferry.yaml:1: missing required key 'listeners'");
        assertThat(errors("listeners: []\n", "ferry.yaml")).extracting(ConfigError::toString)
                .containsExactly("ferry.yaml:1: listeners: must list at least one listener");
    }

    @Test
    void topLevelMustBeAMapping() {
        assertThat(errors("- a\n- b\n", "ferry.yaml")).extracting(ConfigError::message).containsExactly(
                "expected a mapping of sections (server, listeners, upstreams, caches, rate_limits, redis, limits, access_log, "
                        + "admin) at the top level");
    }

    @Test
    void onlyOneYamlDocument() {
        assertThat(errors("listeners: []\n---\nlisteners: []\n", "ferry.yaml")).extracting(ConfigError::toString)
                .containsExactly("ferry.yaml:3: only one YAML document is allowed in a config file");
    }

    @Test
    void yamlAliasesAreRefusedOnce() {
        assertThat(errors("""
                listeners:
                  - &l { name: a, bind: 127.0.0.1:1, forward_proxy: {} }
                  - *l
                """, "ferry.yaml")).extracting(ConfigError::toString)
                .containsExactly("ferry.yaml:3: listeners[1]: YAML aliases (*l) are not supported");
    }

    @Test
    void routeChecks() {
        List<ConfigError> errors = errors("""
                listeners:
                  - name: a
                    bind: 127.0.0.1:80
                    routes:
                      - { name: r, upstream: app, match: { methods: [GET, "BAD METHOD"], headers: { X-A: 1, x-a: 2 } } }
                      - { name: r, upstream: app, retries: { attempts: 0 }, timeouts: { response: 0s } }
                      - { upstream: app }
                upstreams:
                  app: { servers: [127.0.0.1:81] }
                  "bad name": { servers: [127.0.0.1:82] }
                """, "ferry.yaml");
        assertThat(errors).extracting(ConfigError::toString).containsExactly(
                "ferry.yaml:5: listeners[0].routes[0].match.methods[1]: 'BAD METHOD' is not a valid method name",
                "ferry.yaml:5: listeners[0].routes[0].match.headers.x-a: header 'x-a' is already matched as 'X-A'",
                "ferry.yaml:6: listeners[0].routes[1].name: duplicate of listeners[0].routes[0].name (r)",
                "ferry.yaml:6: listeners[0].routes[1].timeouts.response: must be longer than zero",
                "ferry.yaml:6: listeners[0].routes[1].retries.attempts: must be between 1 and 100, got 0",
                "ferry.yaml:7: listeners[0].routes[2]: missing required key 'name'",
                "ferry.yaml:10: upstreams.bad name: 'bad name' is not a valid name; use letters, digits, '_', '.' "
                        + "and '-'");
    }

    @Test
    void tcpListenerRules() {
        List<ConfigError> errors = errors("""
                listeners:
                  - name: t
                    bind: 127.0.0.1:5432
                    protocol: tcp
                    forward_proxy: {}
                    upstream: ghost
                upstreams:
                  pg: { servers: [127.0.0.1:5433] }
                """, "ferry.yaml");
        assertThat(errors).extracting(ConfigError::toString).containsExactly(
                "ferry.yaml:5: listeners[0].forward_proxy: a tcp listener cannot be a forward proxy; use protocol: http",
                "ferry.yaml:6: listeners[0].upstream: no upstream named 'ghost' (upstreams: pg)");
    }

    @Test
    void unknownProtocolStillChecksTheBlocks() {
        List<ConfigError> errors = errors("""
                listeners:
                  - name: u
                    bind: 127.0.0.1:53
                    protocol: udp
                    routes: [ { name: r, upstream: none } ]
                """, "ferry.yaml");
        assertThat(errors).extracting(ConfigError::toString).containsExactly(
                "ferry.yaml:4: listeners[0].protocol: must be one of: http, tcp, got 'udp'",
                "ferry.yaml:5: listeners[0].routes[0].upstream: no upstream named 'none' (there is no upstreams section)");
    }

    @Test
    void bindPortZeroMayRepeat() throws ConfigException {
        FerryConfig config = ConfigLoader.parse("""
                listeners:
                  - { name: a, bind: 127.0.0.1:0, forward_proxy: {} }
                  - { name: b, bind: 127.0.0.1:0, forward_proxy: {} }
                """, "ferry.yaml");
        assertThat(config.listeners()).hasSize(2);
    }

    @Test
    void brokenUpstreamDoesNotMakeRoutesDangle() {
        List<ConfigError> errors = errors("""
                listeners:
                  - { name: a, bind: 127.0.0.1:80, routes: [ { name: r, upstream: app } ] }
                upstreams:
                  app: { balance: random, servers: [127.0.0.1:81] }
                """, "ferry.yaml");
        assertThat(errors).extracting(ConfigError::path).containsExactly("upstreams.app.balance");
    }

    private static List<ConfigError> errors(String text, String source) {
        ConfigException e = catchThrowableOfType(ConfigException.class, () -> ConfigLoader.parse(text, source));
        assertThat(e).as("expected a ConfigException").isNotNull();
        return e.errors();
    }
}
