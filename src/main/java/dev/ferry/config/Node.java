package dev.ferry.config;

import java.math.BigInteger;
import java.util.List;
import java.util.Optional;

/**
 * A parsed YAML or JSON value that remembers the line it came from, so that every error found
 * while binding can point at the line the user has to edit.
 */
sealed interface Node permits Node.MapNode, Node.ListNode, Node.ScalarNode {

    /** 1-based line where the value starts. */
    int line();

    /** "a mapping", "a list", "a string", ...: how the node is named in "expected X, got Y". */
    String describe();

    /** A mapping, entries in file order; keys are unique (duplicates are rejected while parsing). */
    record MapNode(List<Entry> entries, int line) implements Node {

        public MapNode {
            entries = List.copyOf(entries);
        }

        Optional<Entry> entry(String key) {
            return entries.stream().filter(e -> e.key().equals(key)).findFirst();
        }

        @Override
        public String describe() {
            return "a mapping";
        }
    }

    /** One key of a mapping; the key's own line is where "unknown key" errors point. */
    record Entry(String key, int keyLine, Node value) {
    }

    record ListNode(List<Node> items, int line) implements Node {

        public ListNode {
            items = List.copyOf(items);
        }

        @Override
        public String describe() {
            return "a list";
        }
    }

    /**
     * A scalar. {@code text} is the text as written (so {@code 0755} stays {@code "0755"} when read
     * as a string); {@code integer} is the value YAML gives it when the scalar is an integer.
     */
    record ScalarNode(Kind kind, String text, BigInteger integer, int line) implements Node {

        /** INVALID stands in for a value already reported as unusable (a YAML alias). */
        enum Kind { STRING, INTEGER, DECIMAL, BOOLEAN, NULL, INVALID }

        boolean isNull() {
            return kind == Kind.NULL;
        }

        @Override
        public String describe() {
            return switch (kind) {
                case NULL -> "an empty value";
                case INVALID -> "an unusable value";
                case BOOLEAN -> text;
                case INTEGER, DECIMAL -> text;
                case STRING -> "'" + text + "'";
            };
        }
    }
}
