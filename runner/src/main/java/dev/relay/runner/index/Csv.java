package dev.relay.runner.index;

import java.util.ArrayList;
import java.util.List;

/**
 * CSV rows as KFP's frontend reads them ({@code csvParseRows(content.trim())} of d3-dsv): RFC 4180
 * fields, double quotes around a field that holds commas, quotes ({@code ""}) or line breaks, LF
 * or CRLF line ends, no header row; blanks between a closing quote and the next comma are ignored. The text is trimmed first, so leading and trailing blank
 * lines are ignored; a blank line inside the data is one row with one empty field, as in d3.
 */
public final class Csv {
    private Csv() {}

    /**
     * @return the rows, each a list of fields (quotes removed, not trimmed); empty for blank text
     * @throws IllegalArgumentException for a quoted field that is never closed or is followed by
     *     something other than a comma or a line end; the message names the 1-based line
     */
    public static List<List<String>> parse(String text) {
        String s = text.strip();
        List<List<String>> rows = new ArrayList<>();
        if (s.isEmpty()) {
            return rows;
        }
        List<String> row = new ArrayList<>();
        StringBuilder field = new StringBuilder();
        int line = 1;
        int i = 0;
        int n = s.length();
        while (true) {
            if (i < n && s.charAt(i) == '"') {
                int startLine = line;
                i++;
                while (true) {
                    if (i >= n) {
                        throw new IllegalArgumentException("line " + startLine + ": a quoted field is never closed");
                    }
                    char c = s.charAt(i);
                    if (c == '"') {
                        if (i + 1 < n && s.charAt(i + 1) == '"') {
                            field.append('"');
                            i += 2;
                            continue;
                        }
                        i++;
                        break;
                    }
                    if (c == '\n') {
                        line++;
                    }
                    field.append(c);
                    i++;
                }
                while (i < n && (s.charAt(i) == ' ' || s.charAt(i) == '\t')) {
                    i++; // blanks after the closing quote are ignored
                }
                if (i < n && s.charAt(i) != ',' && s.charAt(i) != '\n' && s.charAt(i) != '\r') {
                    throw new IllegalArgumentException("line " + line + ": unexpected '" + s.charAt(i) + "' after a quoted field");
                }
            } else {
                while (i < n && s.charAt(i) != ',' && s.charAt(i) != '\n' && s.charAt(i) != '\r') {
                    field.append(s.charAt(i++));
                }
            }
            row.add(field.toString());
            field.setLength(0);
            if (i >= n) {
                rows.add(row);
                return rows;
            }
            char c = s.charAt(i++);
            if (c == ',') {
                continue;
            }
            if (c == '\r' && i < n && s.charAt(i) == '\n') {
                i++;
            }
            line++;
            rows.add(row);
            row = new ArrayList<>();
        }
    }
}
