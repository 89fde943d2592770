/**
 * The metrics and UI-metadata index: parsers and validators for {@code mlpipeline-metrics.json}
 * and {@code mlpipeline-ui-metadata.json} that follow KFP v1 (the apiserver's and persistence
 * agent's metric rules, the frontend's {@code OutputArtifactLoader}), the resolution of each
 * visualization's data ({@link dev.relay.runner.index.SourceReader}), the SQL index over JDBC with
 * Flyway migrations ({@link dev.relay.runner.index.IndexDatabase}, {@link dev.relay.runner.index.RunIndex}),
 * and the object-event hook that keeps it current ({@link dev.relay.runner.index.ObjectIndexer}).
 *
 * <p>Relay goes past KFP in one respect: a bad entry never hides the good ones. Every problem is
 * an {@link dev.relay.runner.index.IndexError} the user sees; nothing here fails a task or a run.
 */
package dev.relay.runner.index;
