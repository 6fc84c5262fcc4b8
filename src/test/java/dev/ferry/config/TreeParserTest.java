package dev.ferry.config;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.tuple;

import dev.ferry.config.Node.ListNode;
import dev.ferry.config.Node.MapNode;
import dev.ferry.config.Node.ScalarNode;
import dev.ferry.config.Node.ScalarNode.Kind;
import java.math.BigInteger;
import org.junit.jupiter.api.Test;

class TreeParserTest {

    @Test
    void yamlNodesKnowTheirLines() {
        Problems problems = new Problems("t.yaml");
        MapNode root = (MapNode) TreeParser.parse("""
                # comment
                a: 1
                b:
                  - x
                  - { c: true }
                d: ~
                """, false, problems).orElseThrow();
        assertThat(problems.isEmpty()).isTrue();
        assertThat(root.entries()).extracting(Node.Entry::key, Node.Entry::keyLine)
                .containsExactly(tuple("a", 2),
                        tuple("b", 3),
                        tuple("d", 6));
        ListNode b = (ListNode) root.entry("b").orElseThrow().value();
        assertThat(b.items()).extracting(Node::line).containsExactly(4, 5);
        MapNode c = (MapNode) b.items().get(1);
        assertThat(c.entry("c").orElseThrow().value()).isEqualTo(new ScalarNode(Kind.BOOLEAN, "true", null, 5));
        assertThat(((ScalarNode) root.entry("d").orElseThrow().value()).isNull()).isTrue();
    }

    @Test
    void integersKeepTheirTextAsWritten() {
        Problems problems = new Problems("t.yaml");
        MapNode root = (MapNode) TreeParser.parse("a: 0755\nb: 1_000\nc: 1.5\n", false, problems).orElseThrow();
        ScalarNode a = (ScalarNode) root.entry("a").orElseThrow().value();
        assertThat(a.kind()).isEqualTo(Kind.INTEGER);
        assertThat(a.text()).isEqualTo("0755");
        assertThat(((ScalarNode) root.entry("b").orElseThrow().value()).integer()).isEqualTo(BigInteger.valueOf(1000));
        assertThat(((ScalarNode) root.entry("c").orElseThrow().value()).kind()).isEqualTo(Kind.DECIMAL);
    }

    @Test
    void jsonNodesKnowTheirLines() {
        Problems problems = new Problems("t.json");
        MapNode root = (MapNode) TreeParser.parse("{\n\"a\": [\n1,\n\"two\"]\n}", true, problems).orElseThrow();
        ListNode a = (ListNode) root.entry("a").orElseThrow().value();
        assertThat(a.line()).isEqualTo(2);
        assertThat(a.items()).extracting(Node::line).containsExactly(3, 4);
    }

    @Test
    void duplicateKeysKeepTheFirst() {
        Problems problems = new Problems("t.yaml");
        MapNode root = (MapNode) TreeParser.parse("m:\n  a: 1\n  a: 2\n", false, problems).orElseThrow();
        MapNode m = (MapNode) root.entry("m").orElseThrow().value();
        assertThat(((ScalarNode) m.entry("a").orElseThrow().value()).text()).isEqualTo("1");
        assertThat(problems.inFileOrder()).extracting(ConfigError::toString)
                .containsExactly("t.yaml:3: m.a: duplicate key 'a' (first at line 2)");
    }

    @Test
    void jsonWithTrailingContentIsAnError() {
        Problems problems = new Problems("t.json");
        assertThat(TreeParser.parse("{}\n{}", true, problems)).isEmpty();
        assertThat(problems.inFileOrder()).extracting(ConfigError::message)
                .containsExactly("unexpected content after the end of the document");
    }
}
