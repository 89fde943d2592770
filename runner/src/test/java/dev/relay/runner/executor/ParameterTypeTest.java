package dev.relay.runner.executor;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.node.DoubleNode;
import com.fasterxml.jackson.databind.node.LongNode;
import com.fasterxml.jackson.databind.node.TextNode;
import org.junit.jupiter.api.Test;

class ParameterTypeTest {
    @Test
    void integerParsesAndRejects() {
        assertEquals(LongNode.valueOf(10), ParameterType.NUMBER_INTEGER.parse("10"));
        assertEquals(LongNode.valueOf(-3), ParameterType.NUMBER_INTEGER.parse(" -3 "));
        assertEquals(LongNode.valueOf(10), ParameterType.NUMBER_INTEGER.parse("10.0"));
        ParameterTypeException e = assertThrows(ParameterTypeException.class, () -> ParameterType.NUMBER_INTEGER.parse("abc"));
        assertEquals("'abc' is not an integer", e.getMessage());
        assertThrows(ParameterTypeException.class, () -> ParameterType.NUMBER_INTEGER.parse("1.5"));
        assertThrows(ParameterTypeException.class, () -> ParameterType.NUMBER_INTEGER.parse(""));
    }

    @Test
    void doubleBooleanListStruct() {
        assertEquals(DoubleNode.valueOf(0.5), ParameterType.NUMBER_DOUBLE.parse("0.5"));
        assertThrows(ParameterTypeException.class, () -> ParameterType.NUMBER_DOUBLE.parse("1.0d"));
        assertThrows(ParameterTypeException.class, () -> ParameterType.NUMBER_DOUBLE.parse("x"));
        assertTrue(ParameterType.BOOLEAN.parse("True").asBoolean());
        assertTrue(ParameterType.BOOLEAN.parse("1").asBoolean());
        assertEquals(false, ParameterType.BOOLEAN.parse("false").asBoolean());
        assertThrows(ParameterTypeException.class, () -> ParameterType.BOOLEAN.parse("yes"));
        assertEquals(3, ParameterType.LIST.parse("[1, \"a\", {}]").size());
        assertThrows(ParameterTypeException.class, () -> ParameterType.LIST.parse("{\"a\":1}"));
        assertEquals(1, ParameterType.STRUCT.parse("{\"a\":1}").get("a").asInt());
        assertThrows(ParameterTypeException.class, () -> ParameterType.STRUCT.parse("[1]"));
        assertEquals(TextNode.valueOf("10"), ParameterType.STRING.parse("10"));
    }

    @Test
    void textIsTheLaunchersSerialization() {
        assertEquals("10", ParameterType.text(LongNode.valueOf(10)));
        assertEquals("1", ParameterType.text(DoubleNode.valueOf(1.0)));
        assertEquals("0.25", ParameterType.text(DoubleNode.valueOf(0.25)));
        assertEquals("true", ParameterType.text(ParameterType.BOOLEAN.parse("T")));
        assertEquals("[1,\"a\"]", ParameterType.text(ParameterType.LIST.parse("[1, \"a\"]")));
        assertEquals("{\"a\":{\"b\":[]}}", ParameterType.text(ParameterType.STRUCT.parse("{ \"a\": {\"b\": []} }")));
        assertEquals("héllo", ParameterType.text(TextNode.valueOf("héllo")));
    }

    @Test
    void coerceChecksJsonValues() {
        assertEquals(LongNode.valueOf(10), ParameterType.NUMBER_INTEGER.coerce(DoubleNode.valueOf(10.0)));
        assertEquals(LongNode.valueOf(7), ParameterType.NUMBER_INTEGER.coerce(TextNode.valueOf("7")));
        assertThrows(ParameterTypeException.class, () -> ParameterType.NUMBER_INTEGER.coerce(DoubleNode.valueOf(1.5)));
        assertThrows(ParameterTypeException.class, () -> ParameterType.BOOLEAN.coerce(LongNode.valueOf(1)));
        assertEquals(TextNode.valueOf("3"), ParameterType.STRING.coerce(LongNode.valueOf(3)));
    }

    @Test
    void wholeNumbersInListsAndStructsAreWrittenAsKfpsLauncherWritesThem() throws Exception {
        // the compiler stores the default {'A': 1, 'B': 2} as {A: 1.0, B: 2.0}; protojson writes 1.0 as 1
        com.fasterxml.jackson.databind.JsonNode d = dev.relay.runner.contract.Json.MAPPER.readTree("{\"A\": 1.0, \"B\": [2.0, 2.5]}");
        assertEquals("{\"A\":1,\"B\":[2,2.5]}", ParameterType.STRUCT.coerce(d).toString());
        assertEquals("[1,0.5]", ParameterType.LIST.parse("[1.0, 0.5]").toString());
        assertEquals("{\"A\":1,\"B\":[2,2.5]}", ParameterType.text(ParameterType.STRUCT.coerce(d)));
    }

    @Test
    void v1TypesMapAndIrNames() {
        assertEquals(ParameterType.NUMBER_INTEGER, ParameterType.ofV1("Integer"));
        assertEquals(ParameterType.NUMBER_DOUBLE, ParameterType.ofV1("Float"));
        assertEquals(ParameterType.BOOLEAN, ParameterType.ofV1("Boolean"));
        assertEquals(null, ParameterType.ofV1("String"));
        assertEquals(null, ParameterType.ofV1(null));
        assertEquals(ParameterType.STRING, ParameterType.of(null));
        assertThrows(ParameterTypeException.class, () -> ParameterType.of("NUMBER"));
    }
}
