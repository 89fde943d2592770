package dev.relay.runner.argo;

import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Set;
import java.util.function.Function;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * An Argo DAG task's {@code depends} (Argo's {@code docs/enhanced-depends-logic.md}): operands
 * {@code TASK} or {@code TASK.RESULT} joined by {@code &&}, {@code ||}, {@code !} and parentheses.
 * A bare {@code TASK} means {@code (TASK.Succeeded || TASK.Skipped || TASK.Daemoned)}.
 * <p>
 * What Relay runs: {@code .Succeeded}, {@code .Failed} and {@code .Skipped}, in any combination.
 * A conjunction of bare or {@code .Succeeded} operands is the plain {@code dependencies} list
 * ({@link #plainTasks}); anything else is evaluated once every task it names has ended
 * ({@link #toCel}). Refused, each with its reason: {@code .Errored} (Relay does not tell an error
 * from a non-zero exit), {@code .Omitted} (a task whose {@code depends} did not hold is reported
 * Skipped), {@code .Daemoned} (no daemon containers), {@code .AnySucceeded} / {@code .AllFailed}
 * (a loop's single iterations are not visible to {@code depends}), and results Argo does not
 * define (such as {@code .Completed}). KFP 1.8 itself writes only {@code dependencies}. Pure.
 */
public final class DependsExpression {
    private static final Pattern TOKEN = Pattern.compile("\\s*(\\|\\||&&|!|\\(|\\)|[A-Za-z0-9_][A-Za-z0-9_.-]*)");

    /** One task's result as the final status the engine gives ({@code PipelineTaskFinalStatus.state}). */
    private static final List<String> SUCCEEDED = List.of("COMPLETE");
    private static final List<String> FAILED = List.of("FAILED");
    private static final List<String> SKIPPED = List.of("CANCELED");

    private sealed interface Node {}

    private record Operand(String task, String result) implements Node {}

    private record Not(Node inner) implements Node {}

    private record Op(String op, Node left, Node right) implements Node {}

    private final String text;
    private final List<String> tokens = new ArrayList<>();
    private int pos;
    private final Node root;

    private DependsExpression(String text) {
        this.text = text;
        Matcher m = TOKEN.matcher(text);
        int at = 0;
        while (at < text.length()) {
            if (text.substring(at).isBlank()) {
                break;
            }
            if (!m.find(at) || m.start() != at) {
                throw error("unexpected '" + text.substring(at).strip() + "'");
            }
            tokens.add(m.group(1));
            at = m.end();
        }
        if (tokens.isEmpty()) {
            throw error("empty");
        }
        root = or();
        if (pos != tokens.size()) {
            throw error("unexpected '" + tokens.get(pos) + "'");
        }
    }

    /**
     * @param depends the field's text
     * @return the parsed expression
     * @throws IllegalArgumentException naming the expression and what is wrong or not supported
     */
    public static DependsExpression parse(String depends) {
        DependsExpression e = new DependsExpression(depends);
        e.check(e.root);
        return e;
    }

    /** @return every task the expression names, in order of first mention */
    public Set<String> tasks() {
        Set<String> out = new LinkedHashSet<>();
        collect(root, out);
        return out;
    }

    /**
     * @return the tasks, when the expression is only {@code A}, {@code A.Succeeded} joined by
     *     {@code &&} (what {@code dependencies} says); else null
     */
    public List<String> plainTasks() {
        List<String> out = new ArrayList<>();
        return plain(root, out) ? out : null;
    }

    /**
     * @param status the CEL operand holding a task's final status (a map whose {@code state} is
     *     {@code COMPLETE}, {@code FAILED} or {@code CANCELED})
     * @return the expression as CEL, to be evaluated once every named task has ended
     */
    public String toCel(Function<String, String> status) {
        return cel(root, status);
    }

    private void check(Node n) {
        if (n instanceof Not x) {
            check(x.inner());
        } else if (n instanceof Op x) {
            check(x.left());
            check(x.right());
        } else {
            Operand o = (Operand) n;
            if (o.result() == null) {
                return;
            }
            String why = switch (o.result()) {
                case "Succeeded", "Failed", "Skipped" -> null;
                case "Errored" -> "Relay does not tell an error from a non-zero exit: use '" + o.task() + ".Failed'";
                case "Omitted" -> "Relay reports a task whose depends did not hold as Skipped: use '" + o.task()
                        + ".Skipped'";
                case "Daemoned" -> "daemon containers do not run on Relay";
                case "AnySucceeded", "AllFailed" -> "the single iterations of a loop are not visible to depends;"
                        + " the loop task's own result is ('" + o.task() + ".Succeeded', '" + o.task() + ".Failed')";
                default -> "Argo has no task result '" + o.result() + "' (it has Succeeded, Failed, Errored,"
                        + " Skipped, Omitted, Daemoned, AnySucceeded, AllFailed)";
            };
            if (why != null) {
                String operand = o.task() + "." + o.result();
                throw error(text.strip().equals(operand) ? why : "'" + operand + "': " + why);
            }
        }
    }

    private static void collect(Node n, Set<String> out) {
        if (n instanceof Not x) {
            collect(x.inner(), out);
        } else if (n instanceof Op x) {
            collect(x.left(), out);
            collect(x.right(), out);
        } else {
            out.add(((Operand) n).task());
        }
    }

    private static boolean plain(Node n, List<String> out) {
        if (n instanceof Not) {
            return false;
        }
        if (n instanceof Op x) {
            return x.op().equals("&&") && plain(x.left(), out) && plain(x.right(), out);
        }
        Operand o = (Operand) n;
        if (o.result() != null && !o.result().equals("Succeeded")) {
            return false;
        }
        out.add(o.task());
        return true;
    }

    private static String cel(Node n, Function<String, String> status) {
        if (n instanceof Not x) {
            return "!" + cel(x.inner(), status);
        }
        if (n instanceof Op x) {
            return "(" + cel(x.left(), status) + " " + x.op() + " " + cel(x.right(), status) + ")";
        }
        Operand o = (Operand) n;
        List<String> states = new ArrayList<>();
        if (o.result() == null) {
            states.addAll(SUCCEEDED);
            states.addAll(SKIPPED);
        } else if (o.result().equals("Succeeded")) {
            states.addAll(SUCCEEDED);
        } else if (o.result().equals("Failed")) {
            states.addAll(FAILED);
        } else {
            states.addAll(SKIPPED);
        }
        String s = status.apply(o.task()) + "['state']";
        return "(" + String.join(" || ", states.stream().map(x -> s + " == '" + x + "'").toList()) + ")";
    }

    private Node or() {
        Node l = and();
        while (eat("||")) {
            l = new Op("||", l, and());
        }
        return l;
    }

    private Node and() {
        Node l = unary();
        while (eat("&&")) {
            l = new Op("&&", l, unary());
        }
        return l;
    }

    private Node unary() {
        if (eat("!")) {
            return new Not(unary());
        }
        if (eat("(")) {
            Node n = or();
            if (!eat(")")) {
                throw error("a '(' is not closed");
            }
            return n;
        }
        if (pos >= tokens.size()) {
            throw error("ends where a task was expected");
        }
        String t = tokens.get(pos);
        if (!Character.isLetterOrDigit(t.charAt(0)) && t.charAt(0) != '_') {
            throw error("'" + t + "' where a task was expected");
        }
        pos++;
        int dot = t.lastIndexOf('.');
        return dot < 0 ? new Operand(t, null) : new Operand(t.substring(0, dot), t.substring(dot + 1));
    }

    private boolean eat(String t) {
        if (pos < tokens.size() && tokens.get(pos).equals(t)) {
            pos++;
            return true;
        }
        return false;
    }

    private IllegalArgumentException error(String what) {
        return new IllegalArgumentException("'" + text + "': " + what);
    }
}
