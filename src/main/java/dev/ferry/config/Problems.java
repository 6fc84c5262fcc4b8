package dev.ferry.config;

import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;

/** Collects every error of one file, so that the user sees them all at once. */
final class Problems {

    private final String source;
    private final List<ConfigError> errors = new ArrayList<>();

    Problems(String source) {
        this.source = source;
    }

    String source() {
        return source;
    }

    void add(int line, String path, String message) {
        errors.add(new ConfigError(source, line, path, message));
    }

    boolean isEmpty() {
        return errors.isEmpty();
    }

    /** In file order; errors on one line keep the order they were found in. */
    List<ConfigError> inFileOrder() {
        List<ConfigError> sorted = new ArrayList<>(errors);
        sorted.sort(Comparator.comparingInt(ConfigError::line));
        return sorted;
    }

    void throwIfAny() throws ConfigException {
        if (!errors.isEmpty()) {
            throw new ConfigException(inFileOrder());
        }
    }
}
