package dev.relay.eventing.input;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.StringReader;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.yaml.snakeyaml.LoaderOptions;
import org.yaml.snakeyaml.Yaml;
import org.yaml.snakeyaml.error.MarkedYAMLException;
import org.yaml.snakeyaml.error.YAMLException;
import org.yaml.snakeyaml.nodes.MappingNode;
import org.yaml.snakeyaml.nodes.Node;
import org.yaml.snakeyaml.nodes.ScalarNode;
import org.yaml.snakeyaml.resolver.Resolver;

class SafeYamlTest {
    /** The issue's alias bomb: nine levels of eight aliases each (72 aliases, under SnakeYAML's cap of 100). */
    static String aliasBomb() {
        StringBuilder b = new StringBuilder("name: bomb\ninputs:\n- name: a\n  default:\n    l0: &a0 [x, x, x, x, x, x, x, x]\n");
        for (int i = 1; i <= 9; i++) {
            String ref = "*a" + (i - 1);
            b.append("    l").append(i).append(": &a").append(i).append(" [")
                    .append(String.join(", ", java.util.Collections.nCopies(8, ref))).append("]\n");
        }
        return b.append("implementation:\n  container: {image: alpine}\n").toString();
    }

    @Test
    void theAliasBombIsRefusedByTheAliasExpansionLimit() {
        String bomb = aliasBomb();
        assertTrue(bomb.length() < 700, "a few hundred bytes: " + bomb.length());
        InputLimitException e = assertThrows(InputLimitException.class, () -> SafeYaml.compose(bomb));
        assertTrue(e.getMessage().contains("alias expansion limit"), e.getMessage());
        assertTrue(e.line() > 0 && e.column() > 0, "positioned: " + e.getMessage());
        assertThrows(InputLimitException.class, () -> SafeYaml.load(bomb));
    }

    @Test
    void sharedAnchorsWithinTheLimitLoad() {
        Object v = SafeYaml.load("base: &b {image: alpine, args: [a, b]}\none: *b\ntwo: *b\n");
        assertEquals(Map.of("image", "alpine", "args", List.of("a", "b")), ((Map<?, ?>) v).get("two"));
    }

    @Test
    void aRecursiveAliasIsRefused() {
        InputLimitException e = assertThrows(InputLimitException.class, () -> SafeYaml.compose("a: &x [1, *x]\n"));
        assertTrue(e.getMessage().contains("recursive"), e.getMessage());
    }

    @Test
    void nestingIsLimitedAlsoThroughAliases() {
        String deep = "a: " + "[".repeat(InputLimits.MAX_DEPTH + 5) + "]".repeat(InputLimits.MAX_DEPTH + 5) + "\n";
        YAMLException e = assertThrows(YAMLException.class, () -> SafeYaml.compose(deep));
        assertTrue(e.getMessage().toLowerCase().contains("nesting depth"), e.getMessage());
        // 60 levels under an anchor, used 60 levels deep: each part is within the limit, the whole is not
        String half = "[".repeat(60) + "]".repeat(60);
        String viaAlias = "a: &d " + half + "\nb: " + "[".repeat(59) + "*d" + "]".repeat(59) + "\n";
        InputLimitException e2 = assertThrows(InputLimitException.class, () -> SafeYaml.compose(viaAlias));
        assertTrue(e2.getMessage().contains("nesting depth limit"), e2.getMessage());
    }

    @Test
    void tooManyCodePointsAreRefusedByName() {
        String big = "a: " + "x".repeat(InputLimits.MAX_CODE_POINTS) + "\n";
        InputLimitException e = assertThrows(InputLimitException.class, () -> SafeYaml.compose(big));
        assertTrue(e.getMessage().contains("code points") && e.getMessage().contains(String.valueOf(InputLimits.MAX_CODE_POINTS)),
                e.getMessage());
    }

    @Test
    void oneLongLineReadsWhole() {
        // 8 MB on one line: SnakeYAML's own reader copies its window per KiB (minutes); this one reads it once
        String value = "v".repeat(8 * 1024 * 1024);
        Node root = SafeYaml.compose("key: " + value + "\n");
        ScalarNode v = (ScalarNode) ((MappingNode) root).getValue().get(0).getValueNode();
        assertEquals(value.length(), v.getValue().length());
        assertEquals(6, v.getStartMark().getColumn() + 1);
    }

    @Test
    void errorsAndPositionsAreSnakeYamlsOwn() {
        for (String text : List.of("a: [1, 2\nb: 3\n", "a: 1\n  b: 2\n", "a: \"x\u0001\"\n", "a:\r\n  - x\r\n  -: [\n", "\uFEFFa: 1\nb: [x\n")) {
            String ours = describe(() -> SafeYaml.compose(text, SafeYaml.options(), new Resolver()));
            String theirs = describe(() -> new Yaml(new LoaderOptions()).compose(new StringReader(text)));
            assertEquals(theirs, ours, text);
        }
        MappingNode m = (MappingNode) SafeYaml.compose("x: 1\r\ny:\n  z: 'a\n    b'\n");
        Node z = ((MappingNode) m.getValue().get(1).getValueNode()).getValue().get(0).getValueNode();
        assertEquals(3, z.getStartMark().getLine() + 1);
        assertEquals(6, z.getStartMark().getColumn() + 1);
        assertEquals("a b", ((ScalarNode) z).getValue());
    }

    private static String describe(Runnable r) {
        try {
            r.run();
            return "ok";
        } catch (MarkedYAMLException e) {
            var m = e.getProblemMark();
            return e.getProblem() + " @" + (m == null ? "-" : m.getLine() + ":" + m.getColumn());
        } catch (YAMLException e) {
            return e.getMessage();
        }
    }

    @Test
    void severalDocumentsAreComposedInOrder() {
        List<Node> docs = SafeYaml.composeAll("a: 1\n---\nb: 2\n", SafeYaml.options(), new Resolver());
        assertEquals(2, docs.size());
        assertEquals(List.of(Map.of("a", 1), Map.of("b", 2)), SafeYaml.loadAll("a: 1\n---\nb: 2\n", SafeYaml.options(), new Resolver()));
    }
}
