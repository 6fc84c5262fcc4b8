package dev.ferry.cli;

import dev.ferry.config.AccessLogConfig;
import dev.ferry.config.CacheConfig;
import dev.ferry.config.FerryConfig;
import dev.ferry.config.ForwardProxyConfig;
import dev.ferry.config.HostPort;
import dev.ferry.config.Limits;
import dev.ferry.config.ListenerConfig;
import dev.ferry.config.ServerSettings;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

/** {@code ferry forward --port N}: a forward proxy for this machine's clients, no config file needed. */
@Command(name = "forward", mixinStandardHelpOptions = true,
        description = "Run a caching forward proxy (HTTP and CONNECT) for clients on this machine.")
final class ForwardCommand implements Callable<Integer> {

    @Option(names = {"-p", "--port"}, defaultValue = "3128", description = "port to listen on (default: ${DEFAULT-VALUE})")
    private int port;

    @Option(names = "--bind", defaultValue = "127.0.0.1", description = "address to listen on (default: ${DEFAULT-VALUE})")
    private String bind;

    @Option(names = "--quiet", description = "no access log")
    private boolean quiet;

    @Option(names = "--no-cache", description = "no in-memory cache (by default 256 MiB, RFC 9111 rules)")
    private boolean noCache;

    @Spec
    private CommandSpec spec;

    @Override
    public Integer call() {
        ForwardProxyConfig d = ForwardProxyConfig.defaults();
        ForwardProxyConfig proxy = noCache ? d : new ForwardProxyConfig(d.connectPorts(), d.allowClients(),
                d.allowLoopbackTargets(), d.denyTargets(), d.users(), d.timeouts(), d.pool(), Optional.of("default"));
        ListenerConfig listener = new ListenerConfig("forward", new HostPort(bind, port), ListenerConfig.Protocol.HTTP,
                List.of(), false, Optional.of(proxy), List.of(), Optional.empty());
        Map<String, CacheConfig> caches = noCache ? Map.of() : Map.of("default", CacheConfig.defaults("default"));
        FerryConfig config = new FerryConfig("<command line>", ServerSettings.DEFAULT, List.of(listener), Map.of(), caches,
                Limits.DEFAULT, quiet ? Optional.empty() : Optional.of(AccessLogConfig.STDOUT_TEXT));
        return Serving.serve(config, spec.commandLine().getErr());
    }
}
