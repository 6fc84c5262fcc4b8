package dev.ferry.cli;

import dev.ferry.config.ConfigException;
import dev.ferry.config.ConfigLoader;
import dev.ferry.config.FerryConfig;
import dev.ferry.tls.TlsContexts;
import dev.ferry.tls.TlsException;
import java.nio.file.Path;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

/** {@code ferry validate -c FILE}: checks a config, prints every error, exits 1 if any. */
@Command(name = "validate", mixinStandardHelpOptions = true,
        description = "Check a config file and print every error in it.")
final class ValidateCommand implements Callable<Integer> {

    @Option(names = {"-c", "--config"}, required = true, paramLabel = "FILE", description = "the config file")
    private Path config;

    @Spec
    private CommandSpec spec;

    @Override
    public Integer call() {
        try {
            FerryConfig loaded = ConfigLoader.load(config);
            try {
                // Certificates, keys and CA files are read as a start would read them.
                TlsContexts.build(loaded);
            } catch (TlsException e) {
                spec.commandLine().getErr().println(config + ": " + e.getMessage());
                spec.commandLine().getErr().println("1 error(s)");
                spec.commandLine().getErr().flush();
                return 1;
            }
            spec.commandLine().getOut().println(config + ": ok (" + loaded.listeners().size() + " listener(s), "
                    + loaded.upstreams().size() + " upstream(s))");
            spec.commandLine().getOut().flush();
            return 0;
        } catch (ConfigException e) {
            e.errors().forEach(error -> spec.commandLine().getErr().println(error));
            spec.commandLine().getErr().println(e.errors().size() + " error(s)");
            spec.commandLine().getErr().flush();
            return 1;
        }
    }
}
