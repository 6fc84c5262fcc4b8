package dev.ferry.tls;

import io.netty.handler.ssl.OpenSsl;
import io.netty.handler.ssl.SslContextBuilder;
import io.netty.handler.ssl.SslProvider;
import io.netty.handler.ssl.SupportedCipherSuiteFilter;
import java.util.List;
import java.util.Locale;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * What Ferry's TLS allows, on both sides: TLS 1.3 and 1.2 only, and for 1.2 only ECDHE key
 * exchange with AEAD ciphers (AES-GCM, ChaCha20-Poly1305) — the "intermediate" profile without
 * its compatibility leftovers. No CBC, no static RSA key exchange, no SHA-1 MACs. Every TLS 1.3
 * suite is AEAD by design.
 *
 * <p>The engine is BoringSSL (netty-tcnative) where its native library loads, the JDK's
 * otherwise; {@code -Dferry.tls.provider=jdk} forces the JDK.
 */
public final class TlsPolicy {

    /** Newest first. */
    public static final List<String> PROTOCOLS = List.of("TLSv1.3", "TLSv1.2");

    /** IANA names; Netty maps them to OpenSSL's. TLS 1.3 suites first, then 1.2, strongest first. */
    public static final List<String> CIPHERS = List.of(
            "TLS_AES_128_GCM_SHA256",
            "TLS_AES_256_GCM_SHA384",
            "TLS_CHACHA20_POLY1305_SHA256",
            "TLS_ECDHE_ECDSA_WITH_AES_128_GCM_SHA256",
            "TLS_ECDHE_RSA_WITH_AES_128_GCM_SHA256",
            "TLS_ECDHE_ECDSA_WITH_AES_256_GCM_SHA384",
            "TLS_ECDHE_RSA_WITH_AES_256_GCM_SHA384",
            "TLS_ECDHE_ECDSA_WITH_CHACHA20_POLY1305_SHA256",
            "TLS_ECDHE_RSA_WITH_CHACHA20_POLY1305_SHA256");

    private static final Logger log = LoggerFactory.getLogger(TlsPolicy.class);
    private static final SslProvider PROVIDER = choose();

    private TlsPolicy() {
    }

    /** The engine every context uses. */
    public static SslProvider provider() {
        return PROVIDER;
    }

    /** The engine for logs: {@code BoringSSL}, or {@code the JDK}. */
    public static String engine() {
        return PROVIDER == SslProvider.JDK ? "the JDK" : OpenSsl.versionString();
    }

    /** Sets the engine, protocols and suites of the policy on {@code builder}. */
    static SslContextBuilder apply(SslContextBuilder builder) {
        return builder.sslProvider(PROVIDER)
                .protocols(PROTOCOLS)
                .ciphers(CIPHERS, SupportedCipherSuiteFilter.INSTANCE);
    }

    private static SslProvider choose() {
        String wanted = System.getProperty("ferry.tls.provider", "auto").toLowerCase(Locale.ROOT);
        if (wanted.equals("jdk")) {
            return SslProvider.JDK;
        }
        if (OpenSsl.isAvailable()) {
            log.debug("TLS by {}", OpenSsl.versionString());
            return SslProvider.OPENSSL;
        }
        log.info("TLS by the JDK (netty-tcnative not available: {})", String.valueOf(OpenSsl.unavailabilityCause()));
        return SslProvider.JDK;
    }
}
