package dev.relay.runner.cli;

import java.io.PrintWriter;
import java.util.List;

/** Plain text tables for the human output of the query commands. */
final class Tables {
    private Tables() {}

    /** Prints rows (the first is the header) in left-aligned columns two spaces apart. */
    static void print(PrintWriter out, List<List<String>> rows) {
        int cols = rows.stream().mapToInt(List::size).max().orElse(0);
        int[] width = new int[cols];
        for (List<String> r : rows) {
            for (int i = 0; i < r.size(); i++) {
                width[i] = Math.max(width[i], r.get(i).length());
            }
        }
        for (List<String> r : rows) {
            StringBuilder sb = new StringBuilder();
            for (int i = 0; i < r.size(); i++) {
                sb.append(r.get(i));
                if (i < r.size() - 1) {
                    sb.append(" ".repeat(width[i] - r.get(i).length() + 2));
                }
            }
            out.println(sb.toString().stripTrailing());
        }
    }
}
