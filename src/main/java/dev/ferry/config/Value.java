package dev.ferry.config;

import dev.ferry.config.Node.ListNode;
import dev.ferry.config.Node.MapNode;
import dev.ferry.config.Node.ScalarNode;
import dev.ferry.config.Node.ScalarNode.Kind;
import java.math.BigInteger;
import java.nio.file.Files;
import java.nio.file.InvalidPathException;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Locale;
import java.util.Optional;
import java.util.function.Function;
import java.util.function.Supplier;
import java.util.regex.Pattern;
import java.util.stream.Collectors;

/**
 * One value of the file at its path ({@code listeners[0].bind}), read as a given type. A value
 * that does not fit is reported to {@link Problems} and comes back empty, so that binding goes on
 * and finds the other errors too.
 */
final class Value {

    private static final Pattern INTEGER_TEXT = Pattern.compile("[+-]?[0-9]+");

    private final Problems problems;
    private final String path;
    private final Node node;

    Value(Problems problems, String path, Node node) {
        this.problems = problems;
        this.path = path;
        this.node = node;
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

    Optional<String> string() {
        return scalar("a string").map(ScalarNode::text);
    }

    Optional<String> nonEmptyString() {
        return string().filter(text -> {
            if (text.isEmpty()) {
                error("must not be empty");
            }
            return !text.isEmpty();
        });
    }

    /** The scalar's text through a parser that throws {@link BadValue}. */
    <T> Optional<T> parsed(String expected, Function<String, T> parser) {
        return scalar(expected).flatMap(s -> attempt(() -> parser.apply(s.text())));
    }

    Optional<Integer> integer(int min, int max) {
        return integer(min, max, min == 0 && max == Integer.MAX_VALUE ? "must not be negative"
                : max == Integer.MAX_VALUE ? "must be at least " + min
                : "must be between " + min + " and " + max);
    }

    Optional<Integer> port(int minPort) {
        return integer(minPort, 65535, HostPorts.portRange(minPort));
    }

    private Optional<Integer> integer(int min, int max, String range) {
        return scalar("an integer").flatMap(s -> {
            BigInteger number = s.kind() == Kind.INTEGER ? s.integer()
                    : s.kind() == Kind.STRING && INTEGER_TEXT.matcher(s.text().strip()).matches()
                    ? new BigInteger(s.text().strip()) : null;
            if (number == null) {
                error("expected an integer, got " + s.describe());
                return Optional.empty();
            }
            if (number.compareTo(BigInteger.valueOf(min)) < 0 || number.compareTo(BigInteger.valueOf(max)) > 0) {
                error(range + ", got " + number);
                return Optional.empty();
            }
            return Optional.of(number.intValueExact());
        });
    }

    Optional<Boolean> bool() {
        return scalar("true or false").flatMap(s -> {
            if (s.kind() != Kind.BOOLEAN) {
                error("expected true or false, got " + s.describe());
                return Optional.empty();
            }
            return Optional.of(Boolean.parseBoolean(s.text()));
        });
    }

    /** A duration; {@code positive} rules out zero, for timeouts where zero would fire at once. */
    Optional<Duration> duration(boolean positive) {
        return parsed("a duration such as 5s", Durations::parse).filter(d -> {
            if (positive && d.isZero()) {
                error("must be longer than zero");
                return false;
            }
            return true;
        });
    }

    Optional<Long> size(long min, long max) {
        return scalar("a size such as 64KiB").flatMap(s -> attempt(() -> s.kind() == Kind.INTEGER
                ? Sizes.of(s.integer(), s.text()) : Sizes.parse(s.text()))).filter(bytes -> {
                    boolean fits = bytes >= min && bytes <= max;
                    if (!fits) {
                        error((max == Long.MAX_VALUE ? "must be at least " + Sizes.format(min)
                                : "must be between " + Sizes.format(min) + " and " + Sizes.format(max))
                                + ", got " + Sizes.format(bytes));
                    }
                    return fits;
                });
    }

    Optional<Integer> percent() {
        return parsed("a percentage such as 20%", Percents::parse);
    }

    /**
     * A file that exists and can be read now, resolved against the config file's folder (the
     * working directory when the config did not come from a file); the absolute path.
     */
    Optional<Path> readableFile() {
        return nonEmptyString().flatMap(text -> {
            Path file;
            try {
                Path base = Path.of(problems.source()).toAbsolutePath().getParent();
                file = (base == null ? Path.of(text) : base.resolve(text)).toAbsolutePath().normalize();
            } catch (InvalidPathException e) {
                error("'" + text + "' is not a valid file name");
                return Optional.empty();
            }
            if (!Files.exists(file)) {
                error("no such file: " + file);
            } else if (!Files.isRegularFile(file)) {
                error("not a file: " + file);
            } else if (!Files.isReadable(file)) {
                error("cannot read " + file + ": permission denied");
            } else {
                return Optional.of(file);
            }
            return Optional.empty();
        });
    }

    Optional<Cidr> cidr() {
        return parsed("an address block such as 10.0.0.0/8", Cidrs::parse);
    }

    Optional<HostPort> hostPort(int minPort) {
        return parsed("host:port", text -> HostPorts.parse(text, minPort));
    }

    /** One of the enum's constants, written in lower case ({@code round_robin}). */
    <E extends Enum<E>> Optional<E> oneOf(Class<E> type) {
        List<String> names = Arrays.stream(type.getEnumConstants())
                .map(e -> e.name().toLowerCase(Locale.ROOT)).collect(Collectors.toList());
        return scalar("one of: " + String.join(", ", names)).flatMap(s -> {
            int index = names.indexOf(s.text());
            if (index < 0) {
                error("must be one of: " + String.join(", ", names) + ", got " + s.describe());
                return Optional.empty();
            }
            return Optional.of(type.getEnumConstants()[index]);
        });
    }

    /** The items of a list; an empty YAML value counts as an empty list. */
    Optional<List<Value>> list() {
        if (isInvalid()) {
            return Optional.empty();
        }
        if (node instanceof ScalarNode s && s.isNull()) {
            return Optional.of(List.of());
        }
        if (!(node instanceof ListNode list)) {
            error("expected a list, got " + node.describe());
            return Optional.empty();
        }
        List<Value> items = new ArrayList<>();
        for (Node item : list.items()) {
            items.add(new Value(problems, path + "[" + items.size() + "]", item));
        }
        return Optional.of(items);
    }

    boolean isScalar() {
        return node instanceof ScalarNode;
    }

    boolean isNonEmptyList() {
        return node instanceof ListNode list && !list.items().isEmpty();
    }

    /** The items that could be read; those that could not are reported. */
    <T> Optional<List<T>> listOf(Function<Value, Optional<T>> item) {
        return list().map(items -> items.stream().map(item).flatMap(Optional::stream).collect(Collectors.toList()));
    }

    /** A mapping with a fixed set of keys; every other key is reported. */
    Optional<Section> section(List<String> allowedKeys) {
        return mapping().map(map -> new Section(problems, path, map, allowedKeys));
    }

    /** A mapping whose keys the user chooses (upstream names, header names). */
    Optional<Section> map() {
        return mapping().map(map -> new Section(problems, path, map, null));
    }

    boolean isMapping() {
        return node instanceof MapNode;
    }

    private Optional<MapNode> mapping() {
        if (isInvalid()) {
            return Optional.empty();
        }
        if (node instanceof ScalarNode s && s.isNull()) {
            // "forward_proxy:" with nothing after it reads as "on, with the defaults".
            return Optional.of(new MapNode(List.of(), node.line()));
        }
        if (!(node instanceof MapNode map)) {
            error("expected a mapping, got " + node.describe());
            return Optional.empty();
        }
        return Optional.of(map);
    }

    private Optional<ScalarNode> scalar(String expected) {
        if (isInvalid()) {
            return Optional.empty();
        }
        if (node instanceof ScalarNode s && !s.isNull()) {
            return Optional.of(s);
        }
        error("expected " + expected + ", got " + node.describe());
        return Optional.empty();
    }

    /** Already reported when it was parsed; one error per mistake is enough. */
    private boolean isInvalid() {
        return node instanceof ScalarNode s && s.kind() == Kind.INVALID;
    }

    private <T> Optional<T> attempt(Supplier<T> parse) {
        try {
            return Optional.of(parse.get());
        } catch (BadValue e) {
            error(e.getMessage());
            return Optional.empty();
        }
    }
}
