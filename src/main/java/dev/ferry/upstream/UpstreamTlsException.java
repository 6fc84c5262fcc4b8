package dev.ferry.upstream;

import java.security.cert.CertificateException;
import javax.net.ssl.SSLException;

/** The TLS handshake with a server failed: the connection was made, nothing was sent on it. */
public final class UpstreamTlsException extends SSLException {

    UpstreamTlsException(Throwable cause) {
        super(cause == null ? "TLS handshake failed" : cause.getMessage(), cause);
    }

    /** Whether the server's certificate (its chain or its name) was refused, rather than the handshake itself. */
    public boolean certificateRefused() {
        for (Throwable t = getCause(); t != null; t = t.getCause()) {
            if (t instanceof CertificateException) {
                return true;
            }
            String message = t.getMessage();
            if (message != null && (message.contains("CERTIFICATE_VERIFY_FAILED") || message.contains("certificate_unknown")
                    || message.contains("No subject alternative") || message.contains("PKIX"))) {
                return true;
            }
        }
        return false;
    }
}
