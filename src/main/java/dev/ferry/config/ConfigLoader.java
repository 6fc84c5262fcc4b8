package dev.ferry.config;

import java.io.IOException;
import java.nio.charset.CharacterCodingException;
import java.nio.file.AccessDeniedException;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.util.List;
import java.util.Locale;
import java.util.Optional;

/**
 * Loads a Ferry config file (YAML, or JSON when the name ends in {@code .json}) into a
 * {@link FerryConfig}. Every error in the file is reported at once, each with its file, line and
 * field path, in file order:
 *
 * <pre>
 * ferry.yaml:7: listeners[0].forward_proxy.connect_ports[1]: must be a port between 1 and 65535, got 70000
 * ferry.yaml:9: listeners[1].bind: duplicate of listeners[0].bind (127.0.0.1:8080)
 * </pre>
 */
public final class ConfigLoader {

    private ConfigLoader() {
    }

    /**
     * Reads and validates a config file.
     *
     * @throws ConfigException listing every error, when the file cannot be read or is not a valid config
     */
    public static FerryConfig load(Path file) throws ConfigException {
        String source = file.toString();
        String text;
        try {
            text = Files.readString(file);
        } catch (NoSuchFileException e) {
            throw new ConfigException(List.of(new ConfigError(source, 0, "", "no such file")));
        } catch (AccessDeniedException e) {
            throw new ConfigException(List.of(new ConfigError(source, 0, "", "permission denied")));
        } catch (CharacterCodingException e) {
            throw new ConfigException(List.of(new ConfigError(source, 0, "", "is not UTF-8 text")));
        } catch (IOException e) {
            throw new ConfigException(List.of(new ConfigError(source, 0, "", "cannot read the file: " + e)));
        }
        return parse(text, source);
    }

    /**
     * Validates config text.
     *
     * @param sourceName the file name for messages; JSON is parsed as JSON when it ends in {@code .json}
     * @throws ConfigException listing every error
     */
    public static FerryConfig parse(String text, String sourceName) throws ConfigException {
        Problems problems = new Problems(sourceName);
        boolean json = sourceName.toLowerCase(Locale.ROOT).endsWith(".json");
        Optional<FerryConfig> config = TreeParser.parse(text, json, problems)
                .flatMap(root -> ConfigBinder.bind(new Value(problems, "", root), problems));
        problems.throwIfAny();
        // Binding yields a config exactly when it found no problem.
        return config.orElseThrow();
    }
}
