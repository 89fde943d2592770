package dev.relay.runner.index;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.List;
import org.junit.jupiter.api.Test;

class CsvTest {
    @Test
    void rfc4180QuotesLineEndsAndTrimming() {
        assertEquals(List.of(List.of("a", "b,c", "say \"hi\""), List.of("1", "two\nlines", "")),
                Csv.parse("\n\na,\"b,c\",\"say \"\"hi\"\"\"\r\n1,\"two\nlines\",\n\n"));
        assertEquals(List.of(List.of("x"), List.of(""), List.of("y")), Csv.parse("x\n\ny"));
        assertEquals(List.of(), Csv.parse("  \n "));
    }

    @Test
    void brokenQuotesNameTheLine() {
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> Csv.parse("a\nb,\"open"));
        assertTrue(e.getMessage().startsWith("line 2:"), e.getMessage());
        assertThrows(IllegalArgumentException.class, () -> Csv.parse("\"a\"b,c"));
    }
}
