package dev.relay.runner.index;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import java.io.IOException;

/** Short descriptions of JSON values and parse errors for index error messages. */
final class JsonText {
    private JsonText() {}

    /** "a string", "an array", "null", ... */
    static String kind(JsonNode n) {
        if (n == null || n.isMissingNode()) {
            return "nothing";
        }
        return switch (n.getNodeType()) {
            case ARRAY -> "an array";
            case OBJECT -> "an object";
            case STRING -> "a string (" + show(n) + ")";
            case NUMBER -> "a number (" + n.asText() + ")";
            case BOOLEAN -> "a boolean (" + n.asText() + ")";
            case NULL -> "null";
            default -> n.getNodeType().name().toLowerCase();
        };
    }

    /** The value as JSON text, cut to 80 characters. */
    static String show(JsonNode n) {
        String s = n.toString();
        return s.length() > 80 ? s.substring(0, 77) + "..." : s;
    }

    /** A Jackson parse error without the source dump: message and 1-based line:column. */
    static String shortMessage(IOException e) {
        if (e instanceof JsonProcessingException j) {
            String msg = j.getOriginalMessage();
            int nl = msg.indexOf('\n');
            if (nl > 0) {
                msg = msg.substring(0, nl);
            }
            return j.getLocation() == null ? msg
                    : msg + " (line " + j.getLocation().getLineNr() + ", column " + j.getLocation().getColumnNr() + ")";
        }
        return String.valueOf(e.getMessage());
    }
}
