package dev.relay.eventing.input;

import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Collections;
import java.util.Deque;
import java.util.IdentityHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.yaml.snakeyaml.LoaderOptions;
import org.yaml.snakeyaml.composer.Composer;
import org.yaml.snakeyaml.constructor.SafeConstructor;
import org.yaml.snakeyaml.nodes.MappingNode;
import org.yaml.snakeyaml.nodes.Node;
import org.yaml.snakeyaml.nodes.NodeTuple;
import org.yaml.snakeyaml.nodes.ScalarNode;
import org.yaml.snakeyaml.nodes.SequenceNode;
import org.yaml.snakeyaml.parser.ParserImpl;
import org.yaml.snakeyaml.resolver.Resolver;

/**
 * The one way Relay reads YAML: SnakeYAML's safe loading with {@link InputLimits} applied, in
 * linear time. Every document is composed into nodes first and checked before anything builds
 * values from it:
 * <ul>
 * <li>size: at most {@link InputLimits#MAX_CODE_POINTS} code points;</li>
 * <li>aliases: at most {@link InputLimits#MAX_ALIASES} aliases to collections (SnakeYAML's
 *     limit), and once expanded they may add at most {@link InputLimits#MAX_ALIAS_EXPANSION_NODES}
 *     nodes and {@link InputLimits#MAX_CODE_POINTS} code points (a "billion laughs" document of a
 *     few hundred bytes would otherwise take minutes and gigabytes to walk); a recursive alias is
 *     refused;</li>
 * <li>depth: at most {@link InputLimits#MAX_DEPTH} nested collections, counted through aliases.</li>
 * </ul>
 * Refusals are {@link InputLimitException}s naming the limit and the node's 1-based position;
 * syntax errors stay SnakeYAML's {@code MarkedYAMLException}s.
 */
public final class SafeYaml {
    private SafeYaml() {}

    /**
     * @return fresh loader options with Relay's limits (code points, aliases, nesting depth, no
     *     recursive keys); a caller may add reading options (duplicate keys, merge keys)
     */
    public static LoaderOptions options() {
        LoaderOptions o = new LoaderOptions();
        o.setCodePointLimit(InputLimits.MAX_CODE_POINTS);
        o.setMaxAliasesForCollections(InputLimits.MAX_ALIASES);
        o.setNestingDepthLimit(InputLimits.MAX_DEPTH);
        o.setAllowRecursiveKeys(false);
        return o;
    }

    /**
     * Composes one document.
     *
     * @param text     the YAML text
     * @param options  loader options, from {@link #options()}
     * @param resolver the tag resolver (YAML 1.1 implicit types unless the caller's differs)
     * @return the checked root node, or null for an empty document
     * @throws InputLimitException when a limit is exceeded
     * @throws org.yaml.snakeyaml.error.YAMLException for invalid YAML or several documents
     */
    public static Node compose(String text, LoaderOptions options, Resolver resolver) {
        Node root = composer(text, options, resolver).getSingleNode();
        if (root != null) {
            check(root);
        }
        return root;
    }

    /** {@link #compose(String, LoaderOptions, Resolver)} with {@link #options()} and the default resolver. */
    public static Node compose(String text) {
        return compose(text, options(), new Resolver());
    }

    /**
     * Composes every document of a stream (KFP v2 IR followed by its platform spec, say).
     *
     * @return the checked root nodes in order (empty documents left out)
     * @throws InputLimitException when a limit is exceeded
     */
    public static List<Node> composeAll(String text, LoaderOptions options, Resolver resolver) {
        Composer c = composer(text, options, resolver);
        List<Node> docs = new ArrayList<>();
        while (c.checkNode()) {
            Node n = c.getNode();
            if (n != null) {
                check(n);
                docs.add(n);
            }
        }
        return docs;
    }

    /**
     * Loads one document into plain Java values (maps, lists, strings, numbers, booleans, null) as
     * SnakeYAML's {@link SafeConstructor} builds them.
     *
     * @return the value, or null for an empty document
     * @throws InputLimitException when a limit is exceeded
     */
    public static Object load(String text, LoaderOptions options, Resolver resolver) {
        Node root = compose(text, options, resolver);
        return root == null ? null : new Values(options).construct(root);
    }

    /** {@link #load(String, LoaderOptions, Resolver)} with {@link #options()} and the default resolver. */
    public static Object load(String text) {
        return load(text, options(), new Resolver());
    }

    /**
     * Loads every document of a stream into plain Java values.
     *
     * @return one value per non-empty document
     */
    public static List<Object> loadAll(String text, LoaderOptions options, Resolver resolver) {
        List<Object> out = new ArrayList<>();
        for (Node n : composeAll(text, options, resolver)) {
            out.add(new Values(options).construct(n));
        }
        return out;
    }

    /** Exposes SafeConstructor's document construction for an already checked node. */
    private static final class Values extends SafeConstructor {
        Values(LoaderOptions o) {
            super(o);
        }

        Object construct(Node n) {
            return constructDocument(n);
        }
    }

    private static Composer composer(String text, LoaderOptions options, Resolver resolver) {
        int[] cps = text.codePoints().toArray();
        if (cps.length > options.getCodePointLimit()) {
            throw new InputLimitException("the YAML document has " + cps.length + " code points, more than Relay's limit of "
                    + options.getCodePointLimit());
        }
        return new Composer(new ParserImpl(new LinearStreamReader(cps), options), resolver, options);
    }

    /**
     * Checks an already composed tree against the alias-expansion and depth limits.
     *
     * @throws InputLimitException naming the limit and the node where it was exceeded
     */
    public static void check(Node root) {
        long[] distinct = distinct(root);
        new Expansion(distinct[0] + InputLimits.MAX_ALIAS_EXPANSION_NODES,
                distinct[1] + InputLimits.MAX_CODE_POINTS).measure(root, 1);
    }

    /** @return {nodes, scalar code points} of the tree with every node counted once */
    private static long[] distinct(Node root) {
        Set<Node> seen = Collections.newSetFromMap(new IdentityHashMap<>());
        Deque<Node> todo = new ArrayDeque<>();
        todo.push(root);
        long nodes = 0;
        long chars = 0;
        while (!todo.isEmpty()) {
            Node n = todo.pop();
            if (!seen.add(n)) {
                continue;
            }
            nodes++;
            if (n instanceof ScalarNode s) {
                chars += s.getValue().length();
            }
            children(n, todo::push);
        }
        return new long[] {nodes, chars};
    }

    private static void children(Node n, java.util.function.Consumer<Node> each) {
        if (n instanceof SequenceNode s) {
            s.getValue().forEach(each);
        } else if (n instanceof MappingNode m) {
            for (NodeTuple t : m.getValue()) {
                each.accept(t.getKeyNode());
                each.accept(t.getValueNode());
            }
        }
    }

    /** Expanded size of each node (memoized per node, so shared nodes are walked once). */
    private static final class Expansion {
        private final long maxNodes;
        private final long maxChars;
        private final Map<Node, long[]> done = new IdentityHashMap<>();
        private final Set<Node> open = Collections.newSetFromMap(new IdentityHashMap<>());

        Expansion(long maxNodes, long maxChars) {
            this.maxNodes = maxNodes;
            this.maxChars = maxChars;
        }

        /** @return {nodes, chars} of {@code n} expanded; {@code depth} is n's nesting level (1 at the root) */
        long[] measure(Node n, int depth) {
            long[] known = done.get(n);
            if (known != null) {
                if (depth + known[2] - 1 > InputLimits.MAX_DEPTH) {
                    throw refuse(n, tooDeep());
                }
                return known;
            }
            if (n instanceof ScalarNode s) {
                long[] r = {1, s.getValue().length(), 0};
                done.put(n, r);
                return r;
            }
            if (depth > InputLimits.MAX_DEPTH) {
                throw refuse(n, tooDeep());
            }
            if (!open.add(n)) {
                throw refuse(n, "a YAML alias refers to a collection that contains it (a recursive structure);"
                        + " Relay reads trees only");
            }
            long nodes = 1;
            long chars = 0;
            long height = 0;
            List<Node> kids = new ArrayList<>();
            children(n, kids::add);
            for (Node k : kids) {
                long[] r = measure(k, depth + 1);
                nodes = Math.min(nodes + r[0], Long.MAX_VALUE / 4);
                chars = Math.min(chars + r[1], Long.MAX_VALUE / 4);
                height = Math.max(height, r[2] + 1);
            }
            open.remove(n);
            if (nodes > maxNodes) {
                throw refuse(n, "YAML aliases expand the document by more than Relay's limit of "
                        + InputLimits.MAX_ALIAS_EXPANSION_NODES + " nodes (alias expansion limit)");
            }
            if (chars > maxChars) {
                throw refuse(n, "YAML aliases expand the document by more than Relay's limit of "
                        + InputLimits.MAX_CODE_POINTS + " code points (alias expansion limit)");
            }
            long[] r = {nodes, chars, height};
            done.put(n, r);
            return r;
        }

        private static String tooDeep() {
            return "mappings and sequences nest deeper than Relay's limit of " + InputLimits.MAX_DEPTH
                    + " levels (nesting depth limit, counted through aliases)";
        }

        private static InputLimitException refuse(Node n, String why) {
            var m = n.getStartMark();
            return m == null ? new InputLimitException(why)
                    : new InputLimitException(why + " (at " + (m.getLine() + 1) + ":" + (m.getColumn() + 1) + ")",
                            m.getLine() + 1, m.getColumn() + 1);
        }
    }
}
