package dev.relay.eventing.input;

import java.io.Reader;
import org.yaml.snakeyaml.error.Mark;
import org.yaml.snakeyaml.reader.ReaderException;
import org.yaml.snakeyaml.reader.StreamReader;
import org.yaml.snakeyaml.scanner.Constant;

/**
 * SnakeYAML's {@link StreamReader} over text already in memory, decoded once into code points.
 * SnakeYAML's own reader copies its whole look-ahead window for every 1 KiB it reads, and its
 * scanner looks ahead to the end of a plain scalar before consuming it, so one long line cost
 * quadratic time (2 MB 2.6 s, 10 MB 55 s). This reader peeks in constant time. It keeps
 * SnakeYAML's behaviour otherwise: line/column counting, {@code \0} past the end, and the
 * "special characters are not allowed" error when the scanner reaches a non-printable character.
 */
final class LinearStreamReader extends StreamReader {
    private static final String NAME = "'reader'";
    private final int[] data;
    private final int length;
    private final ReaderException pending;
    private int pointer;
    private int index;
    private int documentIndex;
    private int line;
    private int column;

    /** @param codePoints the document's code points (not copied) */
    LinearStreamReader(int[] codePoints) {
        super(Reader.nullReader());
        this.data = codePoints;
        int end = codePoints.length;
        ReaderException bad = null;
        for (int i = 0; i < codePoints.length; i++) {
            if (!isPrintable(codePoints[i])) {
                end = i;
                bad = new ReaderException(NAME, i, codePoints[i], "special characters are not allowed");
                break;
            }
        }
        this.length = end;
        this.pending = bad;
    }

    private boolean available(int size) {
        if (pointer + size < length) {
            return true;
        }
        if (pending != null) {
            throw pending;
        }
        return false;
    }

    @Override
    public Mark getMark() {
        return new Mark(NAME, index, line, column, data, pointer);
    }

    @Override
    public void forward() {
        forward(1);
    }

    @Override
    public void forward(int n) {
        for (int i = 0; i < n && available(0); i++) {
            int c = data[pointer++];
            index++;
            documentIndex++;
            if (Constant.LINEBR.has(c) || (c == '\r' && available(0) && data[pointer] != '\n')) {
                line++;
                column = 0;
            } else if (c != 0xFEFF) {
                column++;
            }
        }
    }

    @Override
    public int peek() {
        return available(0) ? data[pointer] : '\0';
    }

    @Override
    public int peek(int i) {
        return available(i) ? data[pointer + i] : '\0';
    }

    @Override
    public String prefix(int n) {
        if (n == 0) {
            return "";
        }
        return available(n) ? new String(data, pointer, n) : new String(data, pointer, Math.min(n, length - pointer));
    }

    @Override
    public String prefixForward(int n) {
        String s = prefix(n);
        pointer += n;
        index += n;
        documentIndex += n;
        column += n;
        return s;
    }

    @Override
    public int getColumn() {
        return column;
    }

    @Override
    public int getDocumentIndex() {
        return documentIndex;
    }

    @Override
    public void resetDocumentIndex() {
        documentIndex = 0;
    }

    @Override
    public int getIndex() {
        return index;
    }

    @Override
    public int getLine() {
        return line;
    }
}
