package dev.ferry.cli;

import dev.ferry.config.ConfigException;
import dev.ferry.config.ConfigLoader;
import dev.ferry.config.FerryConfig;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

/** {@code ferry forward --port N}: a caching forward proxy for this machine's clients, no config file needed. */
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
        StringBuilder yaml = new StringBuilder()
                .append("listeners:\n")
                .append("  - name: forward\n")
                .append("    bind: ").append(QuickConfig.hostPort(bind, port)).append('\n')
                .append("    forward_proxy:\n");
        if (!noCache) {
            yaml.append("      cache: default\n")
                    .append("caches:\n")
                    .append("  default: { max_size: 256MiB, max_object_size: 8MiB }\n");
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
}
