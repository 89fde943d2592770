package dev.relay.runner.model.cel;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.BooleanNode;
import com.fasterxml.jackson.databind.node.DoubleNode;
import com.fasterxml.jackson.databind.node.TextNode;
import java.util.Map;
import org.junit.jupiter.api.Test;

class CelTest {
    private static final String X = "inputs.parameter_values['pipelinechannel--x']";

    private static boolean cond(String expr, JsonNode x) throws CelException {
        return Cel.condition(expr, Map.of("pipelinechannel--x", x));
    }

    @Test
    void whatTheKfpCompilerWrites() throws CelException {
        assertTrue(cond(X + " == 'heads'", TextNode.valueOf("heads")));
        assertFalse(cond("!(" + X + " == 'heads')", TextNode.valueOf("heads")));
        assertTrue(cond("int(" + X + ") > 5", TextNode.valueOf("7")));
        assertTrue(cond("int(" + X + ") > 5", DoubleNode.valueOf(7.0)));
        assertFalse(cond("int(" + X + ") > 5 && " + X + " != '7'", TextNode.valueOf("7")));
        assertTrue(cond("int(" + X + ") < 5 || " + X + " == '7'", TextNode.valueOf("7")));
        assertTrue(cond("double(" + X + ") >= 0.5", TextNode.valueOf("0.5")));
        assertTrue(cond(X + " == true", BooleanNode.TRUE));
        assertTrue(cond("string(" + X + ") == '3'", DoubleNode.valueOf(3.0)));
        assertTrue(cond(X + " <= 'b'", TextNode.valueOf("a")));
        assertTrue(cond("-1 < 0 && !false", TextNode.valueOf("")));
    }

    @Test
    void selectorsOnLoopItems() throws Exception {
        JsonNode item = new ObjectMapper().readTree("{\"A_a\": \"1\", \"B_b\": [3, 4]}");
        assertEquals(TextNode.valueOf("1"), Cel.select("parseJson(string_value)[\"A_a\"]", item));
        assertEquals(4, Cel.select("parseJson(string_value)[\"B_b\"][1]", item).asInt());
        assertEquals(TextNode.valueOf("1"), Cel.select("parseJson(string_value)[\"A_a\"]", TextNode.valueOf(item.toString())));
        assertEquals(2, Cel.select("size(struct_value.B_b)", item).asInt());
    }

    @Test
    void errorsQuoteTheExpressionAndColumn() {
        CelException e = assertThrows(CelException.class, () -> cond(X + " == ", TextNode.valueOf("a")));
        assertTrue(e.getMessage().contains("column"), e.getMessage());
        e = assertThrows(CelException.class, () -> cond("nope(" + X + ")", TextNode.valueOf("a")));
        assertTrue(e.getMessage().contains("unknown function 'nope'"), e.getMessage());
        e = assertThrows(CelException.class, () -> Cel.condition("inputs.parameter_values['y'] == 1", Map.of()));
        assertTrue(e.getMessage().contains("no key 'y'"), e.getMessage());
        e = assertThrows(CelException.class, () -> cond(X, TextNode.valueOf("a")));
        assertTrue(e.getMessage().contains("expected true or false"), e.getMessage());
        e = assertThrows(CelException.class, () -> cond("int(" + X + ") > 1", TextNode.valueOf("abc")));
        assertTrue(e.getMessage().contains("int(\"abc\") failed"), e.getMessage());
        e = assertThrows(CelException.class, () -> cond(X + " < 1", TextNode.valueOf("a")));
        assertTrue(e.getMessage().contains("cannot order"), e.getMessage());
    }
}
