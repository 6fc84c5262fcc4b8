package dev.ferry.cli;

import dev.ferry.config.ConfigException;
import dev.ferry.config.ConfigLoader;
import dev.ferry.config.FerryConfig;
import java.nio.file.Path;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;
import picocli.CommandLine.Model.CommandSpec;

/** {@code ferry run -c FILE}: everything from a config file. */
@Command(name = "run", mixinStandardHelpOptions = true,
        description = "Run Ferry with a config file (YAML or JSON). SIGTERM or SIGINT drains and stops it.")
final class RunCommand implements Callable<Integer> {

    @Option(names = {"-c", "--config"}, required = true, paramLabel = "FILE", description = "the config file")
    private Path config;

    @Spec
    private CommandSpec spec;

    @Override
    public Integer call() {
        FerryConfig loaded;
        try {
            loaded = ConfigLoader.load(config);
        } catch (ConfigException e) {
            e.errors().forEach(error -> spec.commandLine().getErr().println(error));
            spec.commandLine().getErr().println("ferry: " + e.errors().size() + " error(s) in " + config
                    + "; not started");
            spec.commandLine().getErr().flush();
            return 1;
        }
        return Serving.serve(loaded, spec.commandLine().getErr());
    }
}
