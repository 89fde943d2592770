package dev.relay.runner.spec;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.math.BigInteger;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** Values.toKfpString follows Python's str() and json.dumps; strtobool follows distutils. */
class ValuesTest {
    @Test
    void scalarsAsPythonStr() {
        assertEquals("abc", Values.toKfpString("abc"));
        assertEquals("True", Values.toKfpString(true));
        assertEquals("False", Values.toKfpString(false));
        assertEquals("42", Values.toKfpString(42));
        assertEquals("-7", Values.toKfpString(-7L));
        assertEquals("123456789012345678901234567890", Values.toKfpString(new BigInteger("123456789012345678901234567890")));
        assertNull(Values.toKfpString(null));
    }

    @Test
    void floatsAsPythonRepr() {
        assertEquals("1.0", Values.toKfpString(1.0));
        assertEquals("0.1", Values.toKfpString(0.1));
        assertEquals("0.3", Values.toKfpString(0.3));
        assertEquals("1000.0", Values.toKfpString(1000.0));
        assertEquals("0.0001", Values.toKfpString(0.0001));
        assertEquals("1e-05", Values.toKfpString(0.00001));
        assertEquals("1.5e-07", Values.toKfpString(1.5e-7));
        assertEquals("1234567890123456.0", Values.toKfpString(1234567890123456.0));
        assertEquals("1e+16", Values.toKfpString(1e16));
        assertEquals("1.2345e+20", Values.toKfpString(1.2345e20));
        assertEquals("-2.5", Values.toKfpString(-2.5));
        assertEquals("-0.0", Values.toKfpString(-0.0));
        assertEquals("inf", Values.toKfpString(Double.POSITIVE_INFINITY));
        assertEquals("-inf", Values.toKfpString(Double.NEGATIVE_INFINITY));
        assertEquals("nan", Values.toKfpString(Double.NaN));
    }

    @Test
    void listsAndMapsAsJsonDumps() {
        Map<String, Object> m = new LinkedHashMap<>();
        m.put("a", 1);
        m.put("b", List.of(1, 2));
        assertEquals("{\"a\": 1, \"b\": [1, 2]}", Values.toKfpString(m));
        Map<String, Object> m2 = new LinkedHashMap<>();
        m2.put("c", "é\"x\n");
        m2.put("d", 1e-5);
        m2.put("e", true);
        m2.put("f", null);
        m2.put("g", 1e16);
        m2.put("h", Double.NaN);
        m2.put("i", "日本\u007f\u0001");
        // json.dumps(...) with defaults (ensure_ascii=True), checked against CPython 3
        assertEquals("{\"c\": \"\\u00e9\\\"x\\n\", \"d\": 1e-05, \"e\": true, \"f\": null, \"g\": 1e+16, "
                + "\"h\": NaN, \"i\": \"\\u65e5\\u672c\\u007f\\u0001\"}", Values.toKfpString(m2));
        assertEquals("[]", Values.toKfpString(List.of()));
        assertEquals("{}", Values.toKfpString(Map.of()));
        assertEquals("[\"\\ud83d\\ude00\", 1.5, false]", Values.toKfpString(Arrays.asList("\uD83D\uDE00", 1.5, false)));
    }

    @Test
    void strtobool() {
        for (String t : List.of("y", "YES", "t", "True", "on", "1", "TRUE")) {
            assertTrue(Values.strtobool(t), t);
        }
        for (String f : List.of("n", "No", "f", "false", "OFF", "0", "FALSE")) {
            assertFalse(Values.strtobool(f), f);
        }
        assertThrows(IllegalArgumentException.class, () -> Values.strtobool("maybe"));
        assertThrows(IllegalArgumentException.class, () -> Values.strtobool("2"));
    }
}
