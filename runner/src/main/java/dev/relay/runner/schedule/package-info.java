/**
 * Recurring runs (KFP's "recurring run", Relay's schedule) as objects under {@code schedules/} in
 * the Relay bucket: their documents, when they are due (pure), and how a firing starts at most one
 * run per fire time while honouring {@code maxConcurrency} and {@code noCatchup}.
 */
package dev.relay.runner.schedule;
