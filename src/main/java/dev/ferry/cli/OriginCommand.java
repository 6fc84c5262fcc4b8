package dev.ferry.cli;

import dev.ferry.demo.DemoOrigin;
import dev.ferry.server.Signals;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

/** {@code ferry origin --port N}: a small demo origin to try Ferry against. */
@Command(name = "origin", mixinStandardHelpOptions = true,
        description = {"Run a small demo origin: /echo, /bytes/{n}, /small, /medium, /large, /delay/{ms},",
                "/status/{code}, /healthz, /ws (WebSocket echo); ?cache=<Cache-Control> on any path."})
final class OriginCommand implements Callable<Integer> {

    @Option(names = {"-p", "--port"}, defaultValue = "8081", description = "port to listen on (default: ${DEFAULT-VALUE})")
    private int port;

    @Option(names = "--bind", defaultValue = "127.0.0.1", description = "address to listen on (default: ${DEFAULT-VALUE})")
    private String bind;

    @Option(names = "--name", defaultValue = "origin", description = "sent back in X-Origin (default: ${DEFAULT-VALUE})")
    private String name;

    @Spec
    private CommandSpec spec;

    @Override
    public Integer call() throws InterruptedException {
        DemoOrigin origin = DemoOrigin.start(DemoOrigin.Options.defaults().withHost(bind).withPort(port).withName(name));
        spec.commandLine().getOut().println("demo origin " + name + " on " + origin.baseUrl());
        spec.commandLine().getOut().flush();
        Signals.onTermination(origin::stop);
        origin.awaitStop();
        return 0;
    }
}
