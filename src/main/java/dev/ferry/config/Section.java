package dev.ferry.config;

import dev.ferry.config.Node.Entry;
import dev.ferry.config.Node.MapNode;
import java.util.List;
import java.util.Optional;
import java.util.function.Function;
import java.util.stream.Collectors;

/** A mapping of the file at its path, with required and optional keys read through {@link Value}. */
final class Section {

    private final Problems problems;
    private final String path;
    private final MapNode node;

    /** @param allowedKeys the schema's keys, or null when the user names the keys */
    Section(Problems problems, String path, MapNode node, List<String> allowedKeys) {
        this.problems = problems;
        this.path = path;
        this.node = node;
        if (allowedKeys != null) {
            for (Entry entry : node.entries()) {
                if (!allowedKeys.contains(entry.key())) {
                    problems.add(entry.keyLine(), path, "unknown key '" + entry.key() + "' (expected one of: "
                            + String.join(", ", allowedKeys) + ")");
                }
            }
        }
    }

    String path() {
        return path;
    }

    int line() {
        return node.line();
    }

    void error(String message) {
        problems.add(node.line(), path, message);
    }

    boolean has(String key) {
        return node.entry(key).isPresent();
    }

    Optional<Value> get(String key) {
        return node.entry(key).map(entry -> new Value(problems, child(key), entry.value()));
    }

    Optional<Value> require(String key) {
        Optional<Value> value = get(key);
        if (value.isEmpty()) {
            error("missing required key '" + key + "'");
        }
        return value;
    }

    <T> Optional<T> optional(String key, Function<Value, Optional<T>> read) {
        return get(key).flatMap(read);
    }

    <T> T optional(String key, Function<Value, Optional<T>> read, T fallback) {
        return get(key).flatMap(read).orElse(fallback);
    }

    <T> Optional<T> required(String key, Function<Value, Optional<T>> read) {
        return require(key).flatMap(read);
    }

    /** The entries of a mapping whose keys the user chooses, in file order. */
    List<Field> fields() {
        return node.entries().stream()
                .map(e -> new Field(e.key(), new Value(problems, child(e.key()), e.value()), e.keyLine()))
                .collect(Collectors.toList());
    }

    /** One user-named entry; errors about the name itself point at the key's line. */
    final class Field {
        private final String key;
        private final Value value;
        private final int keyLine;

        private Field(String key, Value value, int keyLine) {
            this.key = key;
            this.value = value;
            this.keyLine = keyLine;
        }

        String key() {
            return key;
        }

        Value value() {
            return value;
        }

        void keyError(String message) {
            problems.add(keyLine, value.path(), message);
        }
    }

    private String child(String key) {
        return path.isEmpty() ? key : path + "." + key;
    }
}
