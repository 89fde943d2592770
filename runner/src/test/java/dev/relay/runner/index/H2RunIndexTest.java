package dev.relay.runner.index;

import java.nio.file.Path;
import org.junit.jupiter.api.io.TempDir;

/** The index suite on the embedded default: an H2 file with AUTO_SERVER. */
class H2RunIndexTest extends AbstractRunIndexTest {
    @TempDir Path state;

    @Override
    IndexDatabase openFresh() {
        return IndexDatabase.h2(state);
    }
}
