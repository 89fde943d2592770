package dev.relay.runner.cli;

import java.io.OutputStream;
import java.io.PrintWriter;
import java.nio.charset.StandardCharsets;

/** Bytes to a picocli {@link PrintWriter} (UTF-8), so commands print through the writers tests capture. */
final class WriterStream extends OutputStream {
    private final PrintWriter w;
    private final java.io.ByteArrayOutputStream buf = new java.io.ByteArrayOutputStream();

    WriterStream(PrintWriter w) {
        this.w = w;
    }

    @Override
    public synchronized void write(int b) {
        buf.write(b);
        if (b == '\n') {
            flush();
        }
    }

    @Override
    public synchronized void flush() {
        w.print(buf.toString(StandardCharsets.UTF_8));
        w.flush();
        buf.reset();
    }
}
