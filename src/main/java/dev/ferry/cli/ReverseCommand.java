package dev.ferry.cli;

import dev.ferry.config.AccessLogConfig;
import dev.ferry.config.FerryConfig;
import dev.ferry.config.HealthConfig;
import dev.ferry.config.HostPort;
import dev.ferry.config.Limits;
import dev.ferry.config.ListenerConfig;
import dev.ferry.config.PoolConfig;
import dev.ferry.config.QueueConfig;
import dev.ferry.config.RetryConfig;
import dev.ferry.config.RouteConfig;
import dev.ferry.config.RouteMatch;
import dev.ferry.config.ServerConfig;
import dev.ferry.config.ServerSettings;
import dev.ferry.config.UpstreamConfig;
import dev.ferry.config.UpstreamTimeouts;
import java.net.URI;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
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
            description = "a backend, e.g. http://127.0.0.1:8081 (repeat for more)")
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
        UpstreamConfig.Balance strategy;
        try {
            strategy = UpstreamConfig.Balance.valueOf(balance.toUpperCase(Locale.ROOT));
        } catch (IllegalArgumentException e) {
            throw new ParameterException(spec.commandLine(), "unknown --balance: " + balance);
        }
        if (strategy == UpstreamConfig.Balance.CONSISTENT_HASH) {
            throw new ParameterException(spec.commandLine(), "consistent_hash needs a hash key: use a config file");
        }
        List<ServerConfig> servers = new ArrayList<>();
        for (String backend : backends) {
            servers.add(new ServerConfig(parseBackend(backend), 1, 0));
        }
        UpstreamConfig upstream = new UpstreamConfig("backends", strategy, Optional.empty(), servers,
                QueueConfig.DEFAULT, UpstreamTimeouts.DEFAULT, RetryConfig.DEFAULT, PoolConfig.DEFAULT, Optional.empty(),
                HealthConfig.DEFAULT, Optional.empty());
        RouteConfig route = new RouteConfig("all", RouteMatch.ANY, "backends", RouteConfig.TimeoutOverrides.NONE,
                Optional.empty(), Optional.empty());
        ListenerConfig listener = new ListenerConfig("reverse", new HostPort(bind, port), ListenerConfig.Protocol.HTTP,
                List.of(), false, Optional.empty(), List.of(route), Optional.empty());
        FerryConfig config = new FerryConfig("<command line>", ServerSettings.DEFAULT, List.of(listener),
                Map.of("backends", upstream), Map.of(), Limits.DEFAULT,
                quiet ? Optional.empty() : Optional.of(AccessLogConfig.STDOUT_TEXT));
        return Serving.serve(config, spec.commandLine().getErr());
    }

    private HostPort parseBackend(String backend) {
        URI uri;
        try {
            uri = URI.create(backend.contains("://") ? backend : "http://" + backend);
        } catch (IllegalArgumentException e) {
            throw new ParameterException(spec.commandLine(), "invalid --backend " + backend + ": " + e.getMessage());
        }
        if (!"http".equals(uri.getScheme()) || uri.getHost() == null) {
            throw new ParameterException(spec.commandLine(), "invalid --backend " + backend + ": expected http://host:port");
        }
        String host = uri.getHost().startsWith("[") ? uri.getHost().substring(1, uri.getHost().length() - 1) : uri.getHost();
        return new HostPort(host.toLowerCase(Locale.ROOT), uri.getPort() < 0 ? 80 : uri.getPort());
    }
}
