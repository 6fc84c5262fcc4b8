package dev.ferry.tls;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assumptions.assumeThat;

import dev.ferry.config.ConfigError;
import dev.ferry.config.ConfigException;
import dev.ferry.config.ConfigLoader;
import dev.ferry.config.FerryConfig;
import dev.ferry.config.HostPort;
import dev.ferry.config.ListenerTls;
import dev.ferry.config.ServerConfig;
import dev.ferry.config.UpstreamConfig;
import dev.ferry.server.FerryServer;
import dev.ferry.server.StartException;
import dev.ferry.testing.TestCerts;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Optional;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The tls blocks of listeners and upstreams, and the errors that name a file Ferry cannot use. */
class TlsConfigTest {

    @TempDir
    Path dir;

    private TestCerts a;
    private TestCerts b;

    @BeforeEach
    void certificates() {
        a = TestCerts.create(dir, "a.test");
        b = TestCerts.create(dir, "b.test");
    }

    private static FerryConfig parse(String yaml) throws ConfigException {
        return ConfigLoader.parse(yaml, "ferry.yaml");
    }

    private String listener(String tls) {
        return """
                listeners:
                  - name: edge
                    bind: 127.0.0.1:0
                    tls: %s
                    routes: [ { name: all, upstream: app } ]
                upstreams:
                  app: { servers: [ "127.0.0.1:9" ] }
                """.formatted(tls);
    }

    private List<String> errors(String yaml) {
        try {
            parse(yaml);
            throw new AssertionError("expected errors");
        } catch (ConfigException e) {
            return e.errors().stream().map(ConfigError::toString).toList();
        }
    }

    @Test
    void theShortFormIsOneCertificate() throws Exception {
        ListenerTls tls = parse(listener("{ cert: " + a.cert() + ", key: " + a.key() + " }"))
                .listeners().get(0).tls().orElseThrow();

        assertThat(tls.certificates()).containsExactly(new ListenerTls.Certificate(a.cert(), a.key(), "listeners[0].tls"));
        assertThat(tls.handshakeTimeout()).isEqualTo(Duration.ofSeconds(10));
    }

    @Test
    void certificatesListsSeveralInOrderAndRelativePathsFollowTheConfigFile() throws Exception {
        Path config = dir.resolve("ferry.yaml");
        Files.writeString(config, listener("""
                { certificates: [ { cert: a.test.pem, key: a.test.key }, { cert: b.test.pem, key: b.test.key } ],
                           handshake_timeout: 2s }"""));

        FerryConfig loaded = ConfigLoader.load(config);
        ListenerTls tls = loaded.listeners().get(0).tls().orElseThrow();

        assertThat(tls.certificates()).extracting(ListenerTls.Certificate::cert).containsExactly(a.cert(), b.cert());
        assertThat(tls.handshakeTimeout()).isEqualTo(Duration.ofSeconds(2));
        assertThat(loaded.listeners().get(0).scheme()).isEqualTo("https");
    }

    @Test
    void aMissingFileIsAnErrorAtItsLine() {
        Path missing = dir.resolve("nope.pem");
        assertThat(errors(listener("{ cert: " + missing + ", key: " + a.key() + " }")))
                .containsExactly("ferry.yaml:4: listeners[0].tls.cert: no such file: " + missing);
        assertThat(errors(listener("{ cert: " + a.cert() + " }")))
                .containsExactly("ferry.yaml:4: listeners[0].tls: missing required key 'key'");
        assertThat(errors(listener("{ cert: " + a.cert() + ", key: " + a.key() + ", certificates: [] }")))
                .singleElement().asString().contains("either cert and key, or certificates");
    }

    @Test
    void upstreamTlsComesFromHttpsAddressesOrATlsBlock() throws Exception {
        FerryConfig config = parse("""
                listeners:
                  - name: edge
                    bind: 127.0.0.1:0
                    routes: [ { name: a, upstream: a }, { name: b, upstream: b } ]
                upstreams:
                  a: { servers: [ "https://api.internal", "https://10.0.0.1:8443/" ] }
                  b:
                    servers: [ "10.0.0.2:8443" ]
                    tls: { ca: %s, verify: true, server_name: API.Internal }
                """.formatted(a.cert()));

        UpstreamConfig upstreamA = config.upstreams().get("a");
        assertThat(upstreamA.servers()).containsExactly(new ServerConfig(new HostPort("api.internal", 443), 1, 0, true),
                new ServerConfig(new HostPort("10.0.0.1", 8443), 1, 0, true));
        assertThat(upstreamA.tls()).hasValueSatisfying(tls -> {
            assertThat(tls.verify()).isTrue();
            assertThat(tls.ca()).isEmpty();
        });
        UpstreamConfig upstreamB = config.upstreams().get("b");
        assertThat(upstreamB.servers()).allMatch(ServerConfig::tls);
        assertThat(upstreamB.tls()).hasValueSatisfying(tls -> {
            assertThat(tls.ca()).contains(a.cert());
            assertThat(tls.serverName()).contains("api.internal");
        });
    }

    @Test
    void upstreamTlsMistakesAreNamed() {
        assertThat(errors("""
                listeners:
                  - { name: edge, bind: "127.0.0.1:0", routes: [ { name: a, upstream: a } ] }
                upstreams:
                  a:
                    servers: [ "http://10.0.0.1:80", "ftp://x:1" ]
                    tls: { verify: maybe, server_name: "a b" }
                    proxy_protocol: v1
                """)).containsExactlyInAnyOrder(
                "ferry.yaml:5: upstreams.a.servers[0]: is http:// but the upstream has a tls block; write https:// or host:port",
                "ferry.yaml:5: upstreams.a.servers[1]: 'ftp://x:1': the scheme must be http:// or https://",
                "ferry.yaml:6: upstreams.a.tls.verify: expected true or false, got 'maybe'",
                "ferry.yaml:6: upstreams.a.tls.server_name: 'a b' is not a valid host name (dot-separated labels of "
                        + "letters, digits and '-')");
    }

    @Test
    void aKeyThatDoesNotMatchItsCertificateStopsTheStartNamingBothFiles() throws Exception {
        FerryConfig config = parse(listener("{ cert: " + a.cert() + ", key: " + b.key() + " }"));

        assertThatThrownBy(() -> FerryServer.start(config)).isInstanceOf(StartException.class)
                .hasMessage("listeners[0].tls: " + b.key() + ": the private key does not match the certificate in "
                        + a.cert());
    }

    @Test
    void aFileThatIsNotPemStopsTheStartNamingIt() throws Exception {
        Path garbage = Files.writeString(dir.resolve("garbage.pem"), "hello");
        FerryConfig config = parse(listener("{ certificates: [ { cert: " + a.cert() + ", key: " + a.key()
                + " }, { cert: " + garbage + ", key: " + b.key() + " } ] }"));

        assertThatThrownBy(() -> TlsContexts.build(config)).isInstanceOf(TlsException.class)
                .hasMessage("listeners[0].tls.certificates[1]: " + garbage + ": not a PEM file (no -----BEGIN ...----- block)");
    }

    @Test
    void anUpstreamCaThatIsNotACertificateStopsTheStart() throws Exception {
        FerryConfig config = parse("""
                listeners:
                  - { name: edge, bind: "127.0.0.1:0", routes: [ { name: a, upstream: a } ] }
                upstreams:
                  a: { servers: [ "127.0.0.1:9" ], tls: { ca: %s } }
                """.formatted(a.key()));

        assertThatThrownBy(() -> TlsContexts.build(config)).isInstanceOf(TlsException.class)
                .hasMessage("upstreams.a.tls.ca: " + a.key() + ": no PEM certificate in it (-----BEGIN CERTIFICATE-----)");
    }

    @Test
    void anEncryptedKeyIsRefusedWithAHint() throws Exception {
        Path legacy = Files.writeString(dir.resolve("legacy.key"), """
                -----BEGIN RSA PRIVATE KEY-----
                Proc-Type: 4,ENCRYPTED
                DEK-Info: AES-128-CBC,00000000000000000000000000000000

                AAAA
                -----END RSA PRIVATE KEY-----
                """);
        Path pkcs8 = Files.writeString(dir.resolve("pkcs8.key"),
                "-----BEGIN ENCRYPTED PRIVATE KEY-----\nAAAA\n-----END ENCRYPTED PRIVATE KEY-----\n");

        for (Path key : List.of(legacy, pkcs8)) {
            assertThatThrownBy(() -> Pem.privateKey(key)).isInstanceOf(TlsException.class)
                    .hasMessageStartingWith(key + ": the private key is encrypted; Ferry needs it unencrypted");
        }
    }

    @Test
    void traditionalRsaAndEcKeyFilesAreAccepted() throws Exception {
        assumeThat(Commands.available("openssl")).as("openssl installed").isTrue();
        Path rsaKey = dir.resolve("rsa.key");
        Path rsaCert = dir.resolve("rsa.pem");
        run("openssl", "req", "-x509", "-newkey", "rsa:2048", "-nodes", "-keyout", rsaKey.toString(),
                "-out", rsaCert.toString(), "-subj", "/CN=rsa.test", "-days", "2");
        run("openssl", "rsa", "-in", rsaKey.toString(), "-out", rsaKey.toString(), "-traditional");
        Path ecKey = dir.resolve("ec.key");
        Path ecCert = dir.resolve("ec.pem");
        run("openssl", "ecparam", "-name", "prime256v1", "-genkey", "-out", ecKey.toString());
        run("openssl", "req", "-x509", "-key", ecKey.toString(), "-out", ecCert.toString(), "-subj", "/CN=ec.test",
                "-days", "2");
        assertThat(Files.readString(rsaKey)).contains("BEGIN RSA PRIVATE KEY");
        assertThat(Files.readString(ecKey)).contains("BEGIN EC PRIVATE KEY");

        ServerTls tls = ServerTls.build("edge", new ListenerTls(List.of(
                new ListenerTls.Certificate(rsaCert, rsaKey, "rsa"),
                new ListenerTls.Certificate(ecCert, ecKey, "ec")), Duration.ofSeconds(1)), List.of("http/1.1"));

        assertThat(tls.contextFor("ec.test")).isNotSameAs(tls.contextFor("rsa.test"));
        assertThat(tls.contextFor("other.test")).isSameAs(tls.contextFor("rsa.test"));
        assertThat(Optional.of(tls.alpn())).contains(List.of("http/1.1"));
    }

    private static void run(String... command) throws Exception {
        Commands.Result result = Commands.run(List.of(command));
        assertThat(result.exit()).as(result.output()).isZero();
    }
}
