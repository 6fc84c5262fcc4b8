package dev.ferry.cli;

import dev.ferry.tls.SelfSigned;
import java.io.IOException;
import java.io.PrintWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

/** {@code ferry cert --host NAME [--out DIR]}: a self-signed certificate and key for local testing. */
@Command(name = "cert", mixinStandardHelpOptions = true,
        description = {"Write a self-signed certificate (NAME.pem) and its private key (NAME.key), PEM, ECDSA P-256,",
                "for local testing. Clients must be told to trust it (curl --cacert NAME.pem)."})
final class CertCommand implements Callable<Integer> {

    @Option(names = "--host", required = true, paramLabel = "NAME",
            description = "a DNS name or IP address the certificate is for; repeat for more (the first names the files)")
    private List<String> hosts;

    @Option(names = "--out", defaultValue = ".", paramLabel = "DIR", description = "folder to write to (default: current)")
    private Path out;

    @Option(names = "--days", defaultValue = "365", description = "days of validity (default: ${DEFAULT-VALUE})")
    private int days;

    @Spec
    private CommandSpec spec;

    @Override
    public Integer call() throws IOException {
        PrintWriter err = spec.commandLine().getErr();
        if (days < 1) {
            err.println("ferry cert: --days must be at least 1");
            err.flush();
            return 2;
        }
        for (String host : hosts) {
            if (host.isBlank() || !host.matches("[A-Za-z0-9.:*-]+")) {
                err.println("ferry cert: '" + host + "' is not a host name or IP address");
                err.flush();
                return 2;
            }
        }
        Files.createDirectories(out);
        String file = hosts.get(0).replace('*', '_').replace(':', '_');
        Path cert = out.resolve(file + ".pem");
        Path key = out.resolve(file + ".key");
        SelfSigned.generate(hosts, Duration.ofDays(days)).write(cert, key);
        PrintWriter stdout = spec.commandLine().getOut();
        stdout.println("wrote " + cert + " (certificate for " + String.join(", ", hosts) + ", " + days + " days)");
        stdout.println("wrote " + key + " (private key, readable by you only)");
        stdout.println("listener config:  tls: { cert: " + cert.toAbsolutePath() + ", key: " + key.toAbsolutePath() + " }");
        stdout.println("try it:           curl --cacert " + cert + " https://" + hosts.get(0) + ":PORT/");
        stdout.flush();
        return 0;
    }
}
