package dev.relay.runner.cli;

import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.relay.runner.contract.Json;
import java.io.PrintWriter;
import java.util.List;

/**
 * The one JSON document a {@code --json} command prints on stdout when it stops before doing its
 * work (exit 2) or finds nothing to show (exit 1, e.g. {@code relay runs get} of no such run): {@code {"error": "first message", "errors": ["FILE:LINE:COL: message", ...]}},
 * the shape of the HTTP API's errors (contracts.md, "CLI"). The messages also go to stderr.
 */
final class ErrorDocument {
    private ErrorDocument() {
    }

    /**
     * Prints the document.
     *
     * @param errors every message, the first also as {@code error}; not empty
     */
    static void print(PrintWriter out, List<String> errors) {
        ObjectNode doc = Json.MAPPER.createObjectNode();
        doc.put("error", errors.isEmpty() ? "error" : errors.get(0));
        errors.forEach(doc.putArray("errors")::add);
        out.println(Json.pretty(doc));
        out.flush();
    }
}
