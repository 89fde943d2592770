package dev.relay.runner.contract;

import dev.relay.runner.engine.Phase;
import java.util.Map;

/** {@code runs/<run>/status.json}, written once when the run finishes (docs/contracts.md). */
public record RunStatus(String runId, Phase phase, String startedAt, String finishedAt, Map<String, Phase> tasks) {}
