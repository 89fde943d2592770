/**
 * Experiments and the KFP-facing record of each run, as objects under {@code experiments/} in the
 * Relay bucket (docs/contracts.md "Object layout"): the source of truth that KFP's API and
 * {@code relay experiments} read and write; the SQL index stays derived from the bucket.
 */
package dev.relay.runner.experiment;
