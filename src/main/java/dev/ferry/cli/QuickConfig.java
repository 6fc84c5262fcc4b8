package dev.ferry.cli;

import dev.ferry.config.ConfigException;
import picocli.CommandLine.Model.CommandSpec;

/**
 * What the quick-start commands share: they write a small YAML config and load it like a file,
 * so their settings are checked by the same rules and errors read the same.
 */
final class QuickConfig {

    private QuickConfig() {
    }

    /** {@code host:port} as YAML, IPv6 hosts in brackets, quoted. */
    static String hostPort(String host, int port) {
        return "\"" + (host.indexOf(':') >= 0 && !host.startsWith("[") ? "[" + host + "]" : host) + ":" + port + "\"";
    }

    /** Prints the errors of an invalid command line config; exit code 2, as for other usage errors. */
    static int refuse(CommandSpec spec, ConfigException e) {
        e.errors().forEach(error -> spec.commandLine().getErr().println("ferry: " + error.path() + ": "
                + error.message()));
        spec.commandLine().getErr().flush();
        return 2;
    }
}
