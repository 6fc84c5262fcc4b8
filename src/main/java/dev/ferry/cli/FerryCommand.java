package dev.ferry.cli;

import picocli.CommandLine;
import picocli.CommandLine.Command;

/** The {@code ferry} command. */
@Command(
        name = "ferry",
        mixinStandardHelpOptions = true,
        versionProvider = VersionProvider.class,
        description = "A caching proxy server and load balancer.",
        subcommands = {RunCommand.class, ValidateCommand.class, ForwardCommand.class,
                CommandLine.HelpCommand.class})
public final class FerryCommand implements Runnable {

    @CommandLine.Spec
    private CommandLine.Model.CommandSpec spec;

    public static void main(String[] args) {
        System.exit(execute(args));
    }

    /** Runs the command line and returns the exit code (for tests). */
    public static int execute(String... args) {
        return new CommandLine(new FerryCommand()).execute(args);
    }

    @Override
    public void run() {
        spec.commandLine().usage(spec.commandLine().getOut());
    }
}
