-- Relay's SQL index (dev.relay.runner.index.RunIndex): a view derived from the bucket, rebuilt by
-- `relay index rebuild`. Portable between H2 2.x and PostgreSQL; ${text} is CLOB on H2, TEXT on
-- PostgreSQL. Times are kept as the RFC 3339 text of the bucket's documents, plus epoch millis to sort.

CREATE TABLE relay_runs (
    run_id           VARCHAR(63)  NOT NULL PRIMARY KEY,
    pipeline         VARCHAR(512),
    pipeline_version VARCHAR(256),
    phase            VARCHAR(16)  NOT NULL,
    created_at       VARCHAR(40),
    created_ms       BIGINT,
    finished_at      VARCHAR(40),
    parameters       ${text},
    cause            VARCHAR(32)
);
CREATE INDEX relay_runs_created ON relay_runs (created_ms);
CREATE INDEX relay_runs_pipeline ON relay_runs (pipeline);

-- one row per task: its newest attempt, and the run's final phase once runs/<run>/status.json exists
CREATE TABLE relay_tasks (
    run_id      VARCHAR(63) NOT NULL,
    task        VARCHAR(63) NOT NULL,
    phase       VARCHAR(16) NOT NULL,
    attempts    INTEGER     NOT NULL,
    exit_code   INTEGER,
    reason      VARCHAR(64),
    message     ${text},
    started_at  VARCHAR(40),
    finished_at VARCHAR(40),
    outputs     ${text},
    PRIMARY KEY (run_id, task)
);

-- every valid metric; kept = false past the run's 50th (ordered by task, entry)
CREATE TABLE relay_metrics (
    run_id       VARCHAR(63)      NOT NULL,
    task         VARCHAR(63)      NOT NULL,
    entry        INTEGER          NOT NULL,
    name         VARCHAR(64)      NOT NULL,
    number_value DOUBLE PRECISION NOT NULL,
    format       VARCHAR(16),
    kept         BOOLEAN          NOT NULL,
    PRIMARY KEY (run_id, task, entry)
);
CREATE INDEX relay_metrics_name ON relay_metrics (name);

CREATE TABLE relay_visualizations (
    run_id  VARCHAR(63) NOT NULL,
    task    VARCHAR(63) NOT NULL,
    entry   INTEGER     NOT NULL,
    type    VARCHAR(32) NOT NULL,
    storage VARCHAR(64),
    source  ${text}     NOT NULL,
    link    ${text},
    data    ${text}     NOT NULL,
    PRIMARY KEY (run_id, task, entry)
);

-- origin: METRICS or UI_METADATA (the file's own errors), RUN_LIMIT (a metric past the run's 50th)
CREATE TABLE relay_index_errors (
    run_id  VARCHAR(63)   NOT NULL,
    task    VARCHAR(63)   NOT NULL,
    origin  VARCHAR(16)   NOT NULL,
    seq     INTEGER       NOT NULL,
    file    VARCHAR(1024) NOT NULL,
    entry   INTEGER,
    field   VARCHAR(64),
    message ${text}       NOT NULL,
    PRIMARY KEY (run_id, task, origin, seq)
);
