package dev.ferry.cli;

import dev.ferry.config.ConfigException;
import dev.ferry.config.ConfigLoader;
import dev.ferry.config.FerryConfig;
import dev.ferry.demo.DemoOrigin;
import java.io.IOException;
import java.io.InputStream;
import java.io.PrintWriter;
import java.nio.charset.StandardCharsets;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

/** {@code ferry demo}: demo origins and Ferry in front of them, in one command, no config file. */
@Command(name = "demo", mixinStandardHelpOptions = true,
        description = "Run two demo origins, a load-balancing reverse proxy and a forward proxy in front of them, "
                + "and the admin listener with the live dashboard.")
final class DemoCommand implements Callable<Integer> {

    @Option(names = {"-p", "--port"}, defaultValue = "8080", description = "reverse proxy port (default: ${DEFAULT-VALUE})")
    private int port;

    @Option(names = "--proxy-port", defaultValue = "3128", description = "forward proxy port (default: ${DEFAULT-VALUE})")
    private int proxyPort;

    @Option(names = "--admin-port", defaultValue = "9901",
            description = "admin listener port: dashboard, /metrics, admin API (default: ${DEFAULT-VALUE})")
    private int adminPort;

    @Spec
    private CommandSpec spec;

    @Override
    public Integer call() throws Exception {
        DemoOrigin a = DemoOrigin.start(DemoOrigin.Options.defaults().withName("origin-a"));
        DemoOrigin b = DemoOrigin.start(DemoOrigin.Options.defaults().withName("origin-b"));
        try {
            String yaml = template()
                    .replace("@PORT@", Integer.toString(port))
                    .replace("@PROXY_PORT@", Integer.toString(proxyPort))
                    .replace("@ADMIN_PORT@", Integer.toString(adminPort))
                    .replace("@ORIGIN_A@", Integer.toString(a.port()))
                    .replace("@ORIGIN_B@", Integer.toString(b.port()));
            FerryConfig config = ConfigLoader.parse(yaml, "demo.yaml");
            PrintWriter out = spec.commandLine().getOut();
            out.printf("Ferry demo%n"
                    + "  reverse proxy  http://127.0.0.1:%d/  ->  %s, %s (round robin, cached)%n"
                    + "  forward proxy  127.0.0.1:%d          (try: curl -x http://127.0.0.1:%d %s/small)%n"
                    + "  endpoints      /small /large /echo /bytes/{n} /delay/{ms} /status/{code} /ws%n"
                    + "                 (/small, /medium, /large are cacheable; ?cache=<Cache-Control> on any path)%n"
                    + "  dashboard      http://127.0.0.1:%d/   (metrics: /metrics, API: /api/stats, /api/upstreams)%n"
                    + "Ctrl-C stops it.%n", port, a.baseUrl(), b.baseUrl(), proxyPort, proxyPort, a.baseUrl(), adminPort);
            out.flush();
            return Serving.serve(config, spec.commandLine().getErr());
        } catch (ConfigException e) {
            throw new IllegalStateException("the embedded demo config is invalid: " + e.getMessage(), e);
        } finally {
            a.stop();
            b.stop();
        }
    }

    private static String template() throws IOException {
        try (InputStream in = DemoCommand.class.getResourceAsStream("demo.yaml")) {
            return new String(in.readAllBytes(), StandardCharsets.UTF_8);
        }
    }
}
