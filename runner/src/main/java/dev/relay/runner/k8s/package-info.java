/**
 * Relay on Kubernetes: {@link dev.relay.runner.k8s.KubernetesJobLauncher} runs each execution as
 * a {@code batch/v1} Job (names from {@link dev.relay.runner.k8s.JobNames}; the pod's Relay steps
 * in {@link dev.relay.runner.k8s.PodSteps}, entered through {@link dev.relay.runner.k8s.PodMain});
 * {@link dev.relay.runner.k8s.JobStatusHandler} writes the status of a Job that died before its
 * pod could; {@link dev.relay.runner.k8s.Manifests} and {@link dev.relay.runner.k8s.Deployer}
 * render and apply {@code deploy/knative}; {@link dev.relay.runner.k8s.KnativeTriggers} and
 * {@link dev.relay.runner.k8s.TriggerApplier} turn Relay triggers into Knative Triggers. See
 * {@code docs/architecture.md} §9 and §10.
 */
package dev.relay.runner.k8s;
