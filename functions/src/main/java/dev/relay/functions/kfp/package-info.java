/**
 * KFP's REST API ({@code /apis/v2beta1/...} as KFP 2.x serves it, {@code /apis/v1beta1/...} where
 * the KFP 1.8 client needs it) over Relay's own services: the pipeline registry, the run starter of
 * {@code /api/v1}, experiments and schedules in the bucket. Thin HTTP shapes: no run logic here.
 */
package dev.relay.functions.kfp;
