package dev.ferry.cli;

import dev.ferry.config.ConfigException;
import dev.ferry.config.ConfigLoader;
import dev.ferry.config.FerryConfig;
import java.net.URI;
import java.util.List;
import java.util.Locale;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.ParameterException;
import picocli.CommandLine.Spec;

/** {@code ferry reverse --port N --backend URL...}: a load-balancing reverse proxy without a config file. */
@Command(name = "reverse", mixinStandardHelpOptions = true,
        description = "Run a reverse proxy that balances every request over the given backends.")
final class ReverseCommand implements Callable<Integer> {

    @Option(names = {"-p", "--port"}, defaultValue = "8080", description = "port to listen on (default: ${DEFAULT-VALUE})")
    private int port;

    @Option(names = "--bind", defaultValue = "127.0.0.1", description = "address to listen on (default: ${DEFAULT-VALUE})")
    private String bind;

    @Option(names = {"-b", "--backend"}, required = true, paramLabel = "URL",
            description = "a backend, e.g. http://127.0.0.1:8081 or https://api.example.com (repeat for more)")
    private List<String> backends;

    @Option(names = "--balance", defaultValue = "round_robin",
            description = "round_robin, weighted_round_robin, least_connections, power_of_two (default: ${DEFAULT-VALUE})")
    private String balance;

    @Option(names = "--quiet", description = "no access log")
    private boolean quiet;

    @Spec
    private CommandSpec spec;

    @Override
    public Integer call() {
        if (balance.toLowerCase(Locale.ROOT).equals("consistent_hash")) {
            throw new ParameterException(spec.commandLine(), "consistent_hash needs a hash key: use a config file");
        }
        StringBuilder yaml = new StringBuilder()
                .append("listeners:\n")
                .append("  - name: reverse\n")
                .append("    bind: ").append(QuickConfig.hostPort(bind, port)).append('\n')
                .append("    routes: [ { name: all, upstream: backends } ]\n")
                .append("upstreams:\n")
                .append("  backends:\n")
                .append("    balance: \"").append(balance).append("\"\n")
                .append("    servers:\n");
        for (String backend : backends) {
            yaml.append("      - ").append(serverAddress(backend)).append('\n');
        }
        if (!quiet) {
            yaml.append("access_log: { format: text, path: stdout }\n");
        }
        FerryConfig config;
        try {
            config = ConfigLoader.parse(yaml.toString(), "<command line>");
        } catch (ConfigException e) {
            return QuickConfig.refuse(spec, e);
        }
        return Serving.serve(config, spec.commandLine().getErr());
    }

    private String serverAddress(String backend) {
        URI uri;
        try {
            uri = URI.create(backend.contains("://") ? backend : "http://" + backend);
        } catch (IllegalArgumentException e) {
            throw new ParameterException(spec.commandLine(), "invalid --backend " + backend + ": " + e.getMessage());
        }
        boolean tls = "https".equals(uri.getScheme());
        if (!tls && !"http".equals(uri.getScheme()) || uri.getHost() == null) {
            throw new ParameterException(spec.commandLine(), "invalid --backend " + backend
                    + ": expected http://host:port or https://host:port");
        }
        String host = uri.getHost();
        String address = QuickConfig.hostPort(host.startsWith("[") ? host.substring(1, host.length() - 1) : host,
                uri.getPort() < 0 ? (tls ? 443 : 80) : uri.getPort());
        // https:// servers are verified against the system trust store.
        return tls ? "\"https://" + address.substring(1) : address;
    }
}
