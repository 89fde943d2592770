package dev.relay.runner.argo;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** Argo {@code when} as KFP 1.8 writes it, and {@code {{...}}} references. */
class WhenExpressionTest {
    @Test
    void stringAndNumberComparisons() {
        assertTrue(WhenExpression.evaluate("\"heads\" == \"heads\""));
        assertFalse(WhenExpression.evaluate("\"heads\" == \"tails\""));
        assertTrue(WhenExpression.evaluate("'a' != 'b'"));
        assertTrue(WhenExpression.evaluate("7 > 5"));
        assertFalse(WhenExpression.evaluate("10 < 9.5"));
        assertTrue(WhenExpression.evaluate("10 >= 10.0"));
        assertTrue(WhenExpression.evaluate("-1 < 0"));
        // strings compare as strings: "10" < "9"
        assertTrue(WhenExpression.evaluate("\"10\" < \"9\""));
        // a string is never equal to a number (govaluate)
        assertFalse(WhenExpression.evaluate("\"5\" == 5"));
    }

    @Test
    void andOrNotAndParentheses() {
        assertTrue(WhenExpression.evaluate("1 == 1 && \"a\" == \"a\""));
        assertFalse(WhenExpression.evaluate("1 == 1 && 1 == 2"));
        assertTrue(WhenExpression.evaluate("1 == 2 || 2 == 2"));
        assertTrue(WhenExpression.evaluate("!(1 == 2)"));
        assertFalse(WhenExpression.evaluate("(1 == 1 || 1 == 2) && !(3 > 2)"));
        assertTrue(WhenExpression.evaluate("true"));
    }

    @Test
    void whatItCannotReadIsNamed() {
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> WhenExpression.evaluate("heads == \"heads\""));
        assertEquals("invalid 'when' expression 'heads == \"heads\"': 'heads' is neither a quoted string, a number nor"
                + " true/false", e.getMessage());
        assertThrows(IllegalArgumentException.class, () -> WhenExpression.evaluate("(1 == 1"));
        assertThrows(IllegalArgumentException.class, () -> WhenExpression.evaluate("\"a\" < 1"));
        assertThrows(IllegalArgumentException.class, () -> WhenExpression.evaluate("\"open"));
        assertThrows(IllegalArgumentException.class, () -> WhenExpression.evaluate("5"));
        WhenExpression.check("\"{{tasks.flip.outputs.parameters.flip-output}}\" == \"heads\"");
    }

    @Test
    void referencesAreTypedAndSubstituted() {
        assertInstanceOf(ArgoString.Ref.Input.class, ArgoString.whole("{{inputs.parameters.x}}"));
        ArgoString.Ref.TaskOutput t = (ArgoString.Ref.TaskOutput) ArgoString.whole("{{tasks.sum-numbers.outputs.artifacts.sum-numbers-sum}}");
        assertEquals("sum-numbers", t.task());
        assertEquals("sum-numbers-sum", t.output());
        assertTrue(t.artifact());
        assertEquals(new ArgoString.Ref.WorkflowParameter("workflow.parameters.n", "n"), ArgoString.whole("{{workflow.parameters.n}}"));
        assertEquals(new ArgoString.Ref.Item("item.a", "a"), ArgoString.whole("{{item.a}}"));
        assertEquals(new ArgoString.Ref.Item("item", null), ArgoString.whole("{{item}}"));
        assertInstanceOf(ArgoString.Ref.Other.class, ArgoString.whole("{{workflow.uid}}"));
        assertNull(ArgoString.whole("a {{item}}"));
        assertEquals(List.of("My name is ", new ArgoString.Ref.WorkflowParameter("workflow.parameters.f", "f")),
                ArgoString.parse("My name is {{workflow.parameters.f}}"));
        assertEquals("\"tails\" == \"heads\"", ArgoString.substitute("\"{{tasks.f.outputs.parameters.o}}\" == \"heads\"",
                Map.of("tasks.f.outputs.parameters.o", "tails")));
    }
}
