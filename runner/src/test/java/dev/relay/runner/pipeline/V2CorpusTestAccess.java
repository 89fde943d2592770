package dev.relay.runner.pipeline;

import java.io.IOException;
import java.nio.file.Path;
import java.util.Map;

/** {@link V2CorpusTest}'s corpus helpers for tests in other packages. */
public final class V2CorpusTestAccess {
    private V2CorpusTestAccess() {}

    /** An INDEX.md §6a row. */
    public record Row(String yaml, String source, String recompiles, String runs) {}

    /** @see V2CorpusTest#sourceTree */
    public static Path sourceTree(Path corpus, Path root) throws IOException {
        return V2CorpusTest.sourceTree(corpus, root);
    }

    /** @see V2CorpusTest#inTree */
    public static Path inTree(Path valid, String name) {
        return V2CorpusTest.inTree(valid, name);
    }

    /** @see V2CorpusTest#index */
    public static Map<String, Row> index(Path corpus) throws IOException {
        Map<String, Row> out = new java.util.LinkedHashMap<>();
        V2CorpusTest.index(corpus).forEach((k, r) -> out.put(k, new Row(r.yaml(), r.source(), r.recompiles(), r.runs())));
        return out;
    }

    /** @see V2CorpusTest#expectedToRun */
    public static boolean expectedToRun(Row r) {
        return V2CorpusTest.expectedToRun(new V2CorpusTest.Row(r.yaml(), r.source(), r.recompiles(), r.runs()));
    }
}
