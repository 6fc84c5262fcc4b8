package dev.ferry.config;

import static org.assertj.core.api.Assertions.assertThat;

import dev.ferry.cli.FerryCommand;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;
import org.junit.jupiter.api.Test;
import picocli.CommandLine;

/**
 * The configs users copy (examples/, docker/) are valid, and what the Dockerfile and
 * docker-compose.yml name exists: there is no Docker engine here to try them.
 */
class ExamplesTest {

    static Stream<Path> examples() throws IOException {
        List<Path> files = new ArrayList<>();
        try (Stream<Path> listed = Files.list(Path.of("examples"))) {
            listed.filter(p -> p.toString().endsWith(".yaml")).sorted().forEach(files::add);
        }
        files.add(Path.of("docker/ferry.yaml"));
        return files.stream();
    }

    @ParameterizedTest
    @MethodSource("examples")
    void everyExampleConfigIsValid(Path file) throws Exception {
        FerryConfig config = ConfigLoader.load(file);

        assertThat(config.listeners()).isNotEmpty();
    }

    @Test
    void thereIsAnExampleForEachCommonJob() throws Exception {
        assertThat(examples().map(p -> p.getFileName().toString())).contains("forward-proxy.yaml",
                "reverse-proxy.yaml", "shared-redis.yaml", "tcp-balancing.yaml");
    }

    @Test
    void whatTheDockerfileCopiesExists() throws Exception {
        String dockerfile = Files.readString(Path.of("Dockerfile"));
        Matcher copy = Pattern.compile("(?m)^COPY (?!--from)(.+) (\\S+)$").matcher(dockerfile);
        int copies = 0;
        while (copy.find()) {
            for (String source : copy.group(1).trim().split("\\s+")) {
                assertThat(Path.of(source)).as("COPY source " + source).exists();
            }
            copies++;
        }
        assertThat(copies).isGreaterThanOrEqualTo(4);
        // The build stage copies target/ferry.jar: the name the pom gives the shaded jar.
        assertThat(dockerfile).contains("/src/target/ferry.jar");
        assertThat(Files.readString(Path.of("pom.xml"))).contains("<finalName>ferry</finalName>");
        assertThat(dockerfile).contains("USER ferry").contains("AS build").contains("-jre");
        assertThat(subcommands()).contains("run", "origin");
    }

    @Test
    void whatTheComposeFileNamesExistsAndAgrees() throws Exception {
        String compose = Files.readString(Path.of("docker-compose.yml"));
        Matcher volume = Pattern.compile("\"\\./([^:\"]+):").matcher(compose);
        assertThat(volume.find()).isTrue();
        assertThat(Path.of(volume.group(1))).exists();
        FerryConfig config = ConfigLoader.load(Path.of(volume.group(1)));
        // Every upstream server of the mounted config is a compose service on the port it is started with.
        for (var server : config.upstreams().get("demo").servers()) {
            String host = server.address().host();
            assertThat(compose).contains("  " + host + ":")
                    .contains("\"--port\", \"" + server.address().port() + "\"");
        }
        assertThat(compose).contains("redis:");
        assertThat(config.redis().orElseThrow().uri()).isEqualTo("redis://redis:6379");
        // The origin options compose passes exist.
        CommandLine origin = new CommandLine(new FerryCommand()).getSubcommands().get("origin");
        for (String option : List.of("--port", "--bind", "--name")) {
            assertThat(origin.getCommandSpec().findOption(option)).as(option).isNotNull();
        }
    }

    private static java.util.Set<String> subcommands() {
        return new CommandLine(new FerryCommand()).getSubcommands().keySet();
    }
}
