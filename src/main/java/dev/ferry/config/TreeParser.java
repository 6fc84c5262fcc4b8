package dev.ferry.config;

import com.fasterxml.jackson.core.JsonFactory;
import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.core.JsonToken;
import com.fasterxml.jackson.dataformat.yaml.YAMLFactory;
import com.fasterxml.jackson.dataformat.yaml.YAMLParser;
import dev.ferry.config.Node.Entry;
import dev.ferry.config.Node.ListNode;
import dev.ferry.config.Node.MapNode;
import dev.ferry.config.Node.ScalarNode;
import dev.ferry.config.Node.ScalarNode.Kind;
import java.io.IOException;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.yaml.snakeyaml.error.Mark;
import org.yaml.snakeyaml.error.MarkedYAMLException;

/**
 * Reads a YAML or JSON document with Jackson's streaming parser into a {@link Node} tree that
 * keeps line numbers (a databind tree would lose them). Duplicate keys and YAML aliases are
 * reported to {@link Problems}; a syntax error ends parsing and is reported the same way.
 */
final class TreeParser {

    private static final YAMLFactory YAML = new YAMLFactory();
    private static final JsonFactory JSON = new JsonFactory();
    /** Jackson's JSON messages embed "[Source: ...; line: 2, column: 6]"; the line is enough. */
    private static final Pattern SOURCE_REF = Pattern.compile("\\[Source: .*?; line: (\\d+), column: \\d+\\]");

    private final Problems problems;
    private JsonParser parser;

    private TreeParser(Problems problems) {
        this.problems = problems;
    }

    /** The document's root, or empty when it is empty or unreadable (the reason is in problems). */
    static Optional<Node> parse(String text, boolean json, Problems problems) {
        return new TreeParser(problems).parseDocument(text, json);
    }

    private Optional<Node> parseDocument(String text, boolean json) {
        try (JsonParser p = json ? JSON.createParser(text) : YAML.createParser(text)) {
            parser = p;
            JsonToken first = p.nextToken();
            if (first == null) {
                problems.add(1, "", "the file is empty");
                return Optional.empty();
            }
            Node root = read(first, "");
            if (root instanceof ScalarNode scalar && scalar.isNull()) {
                problems.add(1, "", "the file is empty");
                return Optional.empty();
            }
            if (p.nextToken() != null) {
                problems.add(line(), "", json
                        ? "unexpected content after the end of the document"
                        : "only one YAML document is allowed in a config file");
                return Optional.empty();
            }
            return Optional.of(root);
        } catch (JsonProcessingException e) {
            syntaxError(e, json);
            return Optional.empty();
        } catch (IOException e) {
            // Parsing a String does no I/O; this is here only because the API declares it.
            problems.add(0, "", "cannot parse: " + e.getMessage());
            return Optional.empty();
        }
    }

    private Node read(JsonToken token, String path) throws IOException {
        int line = line();
        switch (token) {
            case START_OBJECT:
                return readMap(path, line);
            case START_ARRAY:
                return readList(path, line);
            case VALUE_STRING:
                if (parser instanceof YAMLParser yaml && yaml.isCurrentAlias()) {
                    // Jackson hands an alias over as a string holding its name: refuse it rather
                    // than use that name as a value.
                    problems.add(line, path, "YAML aliases (*" + parser.getText() + ") are not supported");
                    return new ScalarNode(Kind.INVALID, parser.getText(), null, line);
                }
                return new ScalarNode(Kind.STRING, parser.getText(), null, line);
            case VALUE_NUMBER_INT:
                return new ScalarNode(Kind.INTEGER, parser.getText(), parser.getBigIntegerValue(), line);
            case VALUE_NUMBER_FLOAT:
                return new ScalarNode(Kind.DECIMAL, parser.getText(), null, line);
            case VALUE_TRUE:
            case VALUE_FALSE:
                return new ScalarNode(Kind.BOOLEAN, token == JsonToken.VALUE_TRUE ? "true" : "false", null, line);
            case VALUE_NULL:
                return new ScalarNode(Kind.NULL, "", null, line);
            default:
                // Embedded objects and the like never come out of a text document.
                problems.add(line, path, "unsupported value");
                return new ScalarNode(Kind.INVALID, "", null, line);
        }
    }

    private MapNode readMap(String path, int line) throws IOException {
        List<Entry> entries = new ArrayList<>();
        Map<String, Integer> firstLine = new HashMap<>();
        JsonToken token;
        while ((token = parser.nextToken()) == JsonToken.FIELD_NAME) {
            String key = parser.currentName();
            int keyLine = line();
            String childPath = path.isEmpty() ? key : path + "." + key;
            Node value = read(parser.nextToken(), childPath);
            Integer first = firstLine.putIfAbsent(key, keyLine);
            if (first != null) {
                problems.add(keyLine, childPath, "duplicate key '" + key + "' (first at line " + first + ")");
            } else {
                entries.add(new Entry(key, keyLine, value));
            }
        }
        return new MapNode(entries, line);
    }

    private ListNode readList(String path, int line) throws IOException {
        List<Node> items = new ArrayList<>();
        JsonToken token;
        while ((token = parser.nextToken()) != JsonToken.END_ARRAY) {
            items.add(read(token, path + "[" + items.size() + "]"));
        }
        return new ListNode(items, line);
    }

    private int line() {
        return parser.currentTokenLocation().getLineNr();
    }

    private void syntaxError(JsonProcessingException e, boolean json) {
        if (e.getCause() instanceof MarkedYAMLException yaml && yaml.getProblemMark() != null) {
            String message = yaml.getProblem();
            Mark context = yaml.getContextMark();
            if (yaml.getContext() != null && context != null) {
                message += " (" + yaml.getContext() + " started at line " + (context.getLine() + 1) + ")";
            }
            problems.add(yaml.getProblemMark().getLine() + 1, "", "YAML syntax error: " + oneLine(message));
            return;
        }
        int line = e.getLocation() == null ? 0 : e.getLocation().getLineNr();
        Matcher ref = SOURCE_REF.matcher(e.getOriginalMessage());
        String message = ref.replaceAll("line $1");
        problems.add(Math.max(line, 0), "", (json ? "JSON" : "YAML") + " syntax error: " + oneLine(message));
    }

    private static String oneLine(String message) {
        return message.strip().replaceAll("\\s*\\n\\s*", " ");
    }
}
