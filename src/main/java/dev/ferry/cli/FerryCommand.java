package dev.ferry.cli;

import java.io.PrintWriter;
import io.netty.util.ResourceLeakDetector;
import picocli.CommandLine;
import picocli.CommandLine.Command;

/** The {@code ferry} command. */
@Command(
        name = "ferry",
        mixinStandardHelpOptions = true,
        versionProvider = VersionProvider.class,
        description = "A caching proxy server and load balancer.",
        subcommands = {RunCommand.class, ValidateCommand.class, ForwardCommand.class, ReverseCommand.class,
                OriginCommand.class, DemoCommand.class, CertCommand.class,
                CommandLine.HelpCommand.class})
public final class FerryCommand implements Runnable {

    @CommandLine.Spec
    private CommandLine.Model.CommandSpec spec;

    public static void main(String[] args) {
        // Leak tracking samples buffers with stack traces (about 1% of CPU); tests keep it, production need not.
        if (System.getProperty("io.netty.leakDetection.level") == null) {
            ResourceLeakDetector.setLevel(ResourceLeakDetector.Level.DISABLED);
        }
        System.exit(execute(args));
    }

    /** Runs the command line and returns the exit code (for tests). */
    public static int execute(String... args) {
        return new CommandLine(new FerryCommand()).execute(args);
    }

    /** Runs the command line with its output and errors going to {@code out} and {@code err}. */
    public static int execute(PrintWriter out, PrintWriter err, String... args) {
        CommandLine commandLine = new CommandLine(new FerryCommand());
        // Set after construction, so every subcommand writes there too.
        commandLine.setOut(out);
        commandLine.setErr(err);
        return commandLine.execute(args);
    }

    @Override
    public void run() {
        spec.commandLine().usage(spec.commandLine().getOut());
    }
}
