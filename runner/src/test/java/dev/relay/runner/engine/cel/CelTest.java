package dev.relay.runner.engine.cel;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.Map;
import org.junit.jupiter.api.Test;

class CelTest {
    private static final String X = "inputs.parameter_values['pipelinechannel--x']";

    private static boolean cond(String expr, Object x) throws CelException {
        return Cel.condition(expr, Map.of("pipelinechannel--x", x));
    }

    @Test
    void whatTheKfpCompilerWrites() throws CelException {
        assertTrue(cond(X + " == 'heads'", "heads"));
        assertFalse(cond("!(" + X + " == 'heads')", "heads"));
        assertTrue(cond("int(" + X + ") > 5", "7"));
        assertTrue(cond("int(" + X + ") > 5", 7.0));
        assertFalse(cond("int(" + X + ") > 5 && " + X + " != '7'", "7"));
        assertTrue(cond("int(" + X + ") < 5 || " + X + " == '7'", "7"));
        assertTrue(cond("double(" + X + ") >= 0.5", "0.5"));
        assertTrue(cond(X + " == true", Boolean.TRUE));
        assertTrue(cond("string(" + X + ") == '3'", 3.0));
        assertTrue(cond(X + " <= 'b'", "a"));
        assertTrue(cond("-1 < 0 && !false", ""));
    }

    @Test
    void selectorsOnLoopItems() throws Exception {
        Object item = JsonText.parse("{\"A_a\": \"1\", \"B_b\": [3, 4]}");
        assertEquals("1", Cel.select("parseJson(string_value)[\"A_a\"]", item));
        assertEquals(4L, Cel.select("parseJson(string_value)[\"B_b\"][1]", item));
        assertEquals("1", Cel.select("parseJson(string_value)[\"A_a\"]", JsonText.write(item)));
        assertEquals(2L, Cel.select("size(struct_value.B_b)", item));
    }

    @Test
    void errorsQuoteTheExpressionAndColumn() {
        CelException e = assertThrows(CelException.class, () -> cond(X + " == ", "a"));
        assertTrue(e.getMessage().contains("column"), e.getMessage());
        e = assertThrows(CelException.class, () -> cond("nope(" + X + ")", "a"));
        assertTrue(e.getMessage().contains("unknown function 'nope'"), e.getMessage());
        e = assertThrows(CelException.class, () -> Cel.condition("inputs.parameter_values['y'] == 1", Map.of()));
        assertTrue(e.getMessage().contains("no key 'y'"), e.getMessage());
        e = assertThrows(CelException.class, () -> cond(X, "a"));
        assertTrue(e.getMessage().contains("expected true or false"), e.getMessage());
        e = assertThrows(CelException.class, () -> cond("int(" + X + ") > 1", "abc"));
        assertTrue(e.getMessage().contains("int(\"abc\") failed"), e.getMessage());
        e = assertThrows(CelException.class, () -> cond(X + " < 1", "a"));
        assertTrue(e.getMessage().contains("cannot order"), e.getMessage());
    }
}
